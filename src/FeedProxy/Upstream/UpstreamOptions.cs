namespace FeedProxy.Upstream;

/// <summary>Settings under "FeedProxy:Upstream" (environment: FeedProxy__Upstream__Name) for live sources.</summary>
public sealed class UpstreamOptions
{
    public const string Section = "Upstream";

    /// <summary>The shortest refresh interval a source may ask for, seconds (protects upstreams from us).</summary>
    public int MinRefreshSeconds { get; set; } = 60;

    /// <summary>Refresh interval of a source that names none, seconds.</summary>
    public int DefaultRefreshSeconds { get; set; } = 300;

    /// <summary>
    /// Upstream Cache-Control max-age is honoured as a lower bound of the interval, but never
    /// beyond this many seconds.
    /// </summary>
    public int MaxAgeCapSeconds { get; set; } = 3600;

    /// <summary>
    /// Allow sources on loopback, private, link-local and unique-local addresses. Off by default
    /// (SSRF): the admin API must not become a way into the server's own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Networks allowed in addition to public addresses, in CIDR form ("10.1.2.0/24",
    /// "fd00:1::/64"): one internal schedule server without opening the whole private range.
    /// Environment: FeedProxy__Upstream__AllowedNetworks__0=10.1.2.5/32.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Largest response body accepted, megabytes.</summary>
    public int MaxResponseMegabytes { get; set; } = 20;

    /// <summary>Time cap of one refresh (all requests, redirects, retries and body), seconds.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Time cap of one HTTP attempt up to the response headers, seconds.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 20;

    /// <summary>Retries of a failed attempt (timeouts, 5xx, 408, 429), with exponential backoff and jitter.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>First retry delay, milliseconds.</summary>
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>Longest wait after repeated failures of one source, seconds (exponential from its interval).</summary>
    public int MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>How often the refresher looks for due sources, milliseconds.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>User-Agent of upstream requests (some publishers, such as Outlook, answer only to browser-like agents).</summary>
    public string UserAgent { get; set; } = "FeedProxy/1.0 (calendar subscription proxy; Mozilla/5.0 compatible)";

    public long MaxResponseBytes => Math.Max(1, MaxResponseMegabytes) * 1024L * 1024;
}
