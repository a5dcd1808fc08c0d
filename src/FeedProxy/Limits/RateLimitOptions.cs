namespace FeedProxy.Limits;

/// <summary>Per-client budget for expensive work (renders, pages, admin calls, failed token checks): see <see cref="ClientBudget"/>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "FeedProxy:RateLimit";

    /// <summary>Expensive requests per client address per minute (token bucket refilled every second). 0 disables.</summary>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Requests a client may make at once before the per-second refill applies.</summary>
    public int Burst { get; set; } = 120;
}
