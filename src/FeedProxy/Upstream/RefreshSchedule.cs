using FeedProxy.Timing;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// When a source is due next: its interval after a success (an upstream max-age can lengthen
/// it, up to a cap), and exponential backoff with jitter from the injected
/// <see cref="IJitterSource"/> after failures.
/// </summary>
internal sealed class RefreshSchedule(IJitterSource jitter, IOptions<FeedProxyOptions> options)
{
    private readonly UpstreamOptions _options = options.Value.Upstream;

    /// <summary>The declared interval, or the upstream's Cache-Control max-age when longer (capped).</summary>
    public Duration Interval(SourceDefinition definition, TimeSpan? maxAge)
    {
        var interval = definition.RefreshSeconds;
        if (maxAge is { } age)
        {
            interval = (int)Math.Max(interval, Math.Min(age.TotalSeconds, _options.MaxAgeCapSeconds));
        }

        return Duration.FromSeconds(interval);
    }

    /// <summary>The interval doubled per consecutive failure, capped, with ±10% jitter so failing sources spread out.</summary>
    public Duration Backoff(SourceDefinition definition, int failures)
    {
        var seconds = Math.Min(definition.RefreshSeconds * Math.Pow(2, Math.Min(failures - 1, 20)), Math.Max(definition.RefreshSeconds, _options.MaxBackoffSeconds));
        var spread = 0.9 + (jitter.NextDouble() * 0.2);
        return Duration.FromSeconds(seconds * spread);
    }
}
