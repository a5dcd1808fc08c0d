namespace FeedProxy.Pages;

/// <summary>The page is being served under a private event's secret token.</summary>
internal sealed record PageAccess(string Token);
