namespace FeedProxy;

/// <summary>
/// Settings under "FeedProxy" (environment: FeedProxy__Name). Defaults are the embedded
/// mode: events from config/events, in-process cache only.
/// </summary>
public sealed class FeedProxyOptions
{
    public const string Section = "FeedProxy";

    /// <summary>
    /// Public base URL ("https://feeds.example.org"). Used for self links; when unset the
    /// request's scheme and host are used.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// Right-hand side of every UID. Must never change once subscribers exist: a changed UID
    /// duplicates every event in every calendar. Defaults to the host of
    /// <see cref="PublicBaseUrl"/>, else "feedproxy.localhost".
    /// </summary>
    public string? UidDomain { get; set; }

    /// <summary>Folder of event JSON files for the embedded store; relative to the working directory.</summary>
    public string EventsPath { get; set; } = "config/events";

    /// <summary>Folder of collection JSON files for the embedded store (docs/collections.md); relative to the working directory.</summary>
    public string CollectionsPath { get; set; } = "config/collections";

    /// <summary>
    /// Where the embedded store remembers per-session change tracking (revisions and change
    /// times) across restarts. Relative to the working directory; empty disables persistence.
    /// Also holds the generated agenda key ("agenda-secret") and, in the embedded mode, the
    /// private events' URL tokens ("access-tokens.json"): back it up.
    /// </summary>
    public string StatePath { get; set; } = ".state";

    /// <summary>
    /// Key that signs personal agenda URLs (/events/{id}/agenda/{code}.ics). Same value on
    /// every instance. When unset a random key is generated once into the state path
    /// ("agenda-secret"); changing it invalidates every agenda URL handed out.
    /// </summary>
    public string? AgendaSecret { get; set; }

    /// <summary>Bearer token for /admin. When unset the admin routes do not exist.</summary>
    public string? AdminToken { get; set; }

    public CachingOptions Caching { get; set; } = new();

    public FeedContentOptions Feeds { get; set; } = new();

    /// <summary>Live upstream sources (fetching, SSRF policy, refresh bounds).</summary>
    public Upstream.UpstreamOptions Upstream { get; set; } = new();

    /// <summary>WebSub hub, webhooks and 410 Gone (docs/push.md).</summary>
    public Push.PushOptions Push { get; set; } = new();
}

/// <summary>HTTP caching (RFC 9111) and the in-process render cache.</summary>
public sealed class CachingOptions
{
    /// <summary>Cache-Control max-age, seconds.</summary>
    public int MaxAgeSeconds { get; set; } = 300;

    /// <summary>Cache-Control stale-while-revalidate (RFC 5861), seconds.</summary>
    public int StaleWhileRevalidateSeconds { get; set; } = 600;

    /// <summary>Cache-Control stale-if-error (RFC 5861), seconds.</summary>
    public int StaleIfErrorSeconds { get; set; } = 86_400;

    /// <summary>
    /// Upper bound of the in-process cache of rendered feeds, in megabytes of managed heap
    /// (entries counted at their true size: values, keys, tags and bookkeeping). Peak memory
    /// under a flood of distinct URLs is a fixed base plus about 1.5 times this (docs/security.md,
    /// scripts/flood.sh). Redis, when configured, is the larger shared level. 64 MB keeps the
    /// flood under 300 MB of RSS (128 MB peaked at 332-349 MB, 64 MB at 249-253 MB; docs/benchmarks.md, "Sixth round").
    /// </summary>
    public int MemoryLimitMegabytes { get; set; } = 64;

    /// <summary>
    /// Managed heap allowed beyond the cache for everything else (loaded schedules, renders in
    /// progress, imports and upstream documents being parsed), in megabytes; 0 (the default)
    /// sets no limit of our own (the runtime's default: 75% of a container's memory). When set,
    /// the garbage collector's heap hard limit is <see cref="Caching.ManagedHeapLimit.CacheLimitFactor"/> ×
    /// <see cref="MemoryLimitMegabytes"/> + this: a ceiling, and a request that needs more than
    /// it fails. Off by default because the accepted inputs need far more than a small headroom:
    /// a 61 MB import of 30,000 sessions (under the 64 MB body limit) failed with 96 MB and its
    /// xCal/jCal renders failed with 512 MB, while without a limit they peaked at 1.1 GB RSS.
    /// A limit given to the runtime itself (DOTNET_GCHeapHardLimit) takes precedence.
    /// </summary>
    public int HeapHeadroomMegabytes { get; set; }

    /// <summary>
    /// Seconds between two returns of freed native memory (glibc's malloc_trim) to the system;
    /// 0 turns it off. Renders free hundreds of KB of compressor state each, which glibc would
    /// otherwise keep (docs/security.md, "Memory").
    /// </summary>
    public int NativeTrimSeconds { get; set; } = 1;

    /// <summary>How long a rendered feed may live in a cache (keys carry the event version, so this only bounds memory).</summary>
    public int EntryLifetimeMinutes { get; set; } = 60;
}

/// <summary>What feeds contain.</summary>
public sealed class FeedContentOptions
{
    /// <summary>Suggested polling interval (REFRESH-INTERVAL, X-PUBLISHED-TTL, RSS ttl), minutes.</summary>
    public int RefreshIntervalMinutes { get; set; } = 60;

    /// <summary>Days a cancelled session stays in feeds (as STATUS:CANCELLED) after it was cancelled.</summary>
    public int CancelledRetentionDays { get; set; } = 30;

    /// <summary>Only sessions ending after now minus this many days; null = all.</summary>
    public int? WindowDays { get; set; }

    /// <summary>At most this many sessions per feed (the latest are kept); null = all.</summary>
    public int? MaxSessions { get; set; }

    /// <summary>
    /// Formats without recurrence (RSS, Atom, pentabarf xCal, UTC times, day filters, the page)
    /// list the occurrences of a recurring session that start at most this many days ago.
    /// </summary>
    public int RecurrenceBackDays { get; set; } = 30;

    /// <summary>... and at most this many days ahead.</summary>
    public int RecurrenceAheadDays { get; set; } = 180;
}
