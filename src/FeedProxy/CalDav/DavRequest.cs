using FeedProxy.Limits;

namespace FeedProxy.CalDav;

/// <summary>One DAV request on its way through the handlers: where it points and what it may spend.</summary>
internal sealed class DavRequest(HttpContext context, DavTarget target, Uri baseUrl, ClientBudget budget)
{
    public HttpContext Context => context;

    public DavTarget Target => target;

    public DavTree Tree => target.Tree;

    /// <summary>Scheme, host and path base of the feed URLs the calendars are split from.</summary>
    public Uri BaseUrl => baseUrl;

    public CancellationToken Aborted => context.RequestAborted;

    /// <summary>Spends the client's budget for expensive work (renders and splits on a cache miss, never cache hits).</summary>
    public TimeSpan? Admit() => budget.TrySpend(context);

    /// <summary>Depth header (RFC 4918 §10.2): 0, 1, or -1 for infinity; absent is <paramref name="absent"/>; null when malformed.</summary>
    public int? Depth(int absent)
    {
        var value = context.Request.Headers["Depth"].ToString().Trim();
        return value.Length == 0 ? absent
            : value == "0" ? 0
            : value == "1" ? 1
            : string.Equals(value, "infinity", StringComparison.OrdinalIgnoreCase) ? -1
            : null;
    }
}
