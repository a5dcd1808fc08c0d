using FeedProxy.Formats.Feeds;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>The selection rules and identifiers every feed kind renders with (from <see cref="FeedProxyOptions"/>).</summary>
internal sealed class FeedSettings(IOptions<FeedProxyOptions> options)
{
    private readonly FeedProxyOptions _options = options.Value;

    /// <summary>The selection rules of every public listing (feeds and the subscribe page).</summary>
    public SelectionPolicy Policy() => new()
    {
        CancelledRetention = Duration.FromDays(Math.Max(0, _options.Feeds.CancelledRetentionDays)),
        Window = _options.Feeds.WindowDays is { } days ? Duration.FromDays(days) : null,
        MaxSessions = _options.Feeds.MaxSessions,
        RecurrenceBack = Duration.FromDays(Math.Clamp(_options.Feeds.RecurrenceBackDays, 0, 3660)),
        RecurrenceAhead = Duration.FromDays(Math.Clamp(_options.Feeds.RecurrenceAheadDays, 0, 3660)),
    };

    public string UidDomain => _options.UidDomain ?? _options.PublicBaseUrl?.Host ?? "feedproxy.localhost";

    /// <summary>How often clients are told to refresh (REFRESH-INTERVAL, ttl).</summary>
    public Duration RefreshInterval => Duration.FromMinutes(Math.Max(1, _options.Feeds.RefreshIntervalMinutes));

    public int? MaxSessions => _options.Feeds.MaxSessions;
}
