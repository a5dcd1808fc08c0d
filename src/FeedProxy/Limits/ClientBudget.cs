using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FeedProxy.Observability;
using Microsoft.Extensions.Options;

namespace FeedProxy.Limits;

/// <summary>
/// Each client's budget for expensive work: renders and store reads on a cache miss, subscribe
/// pages, admin calls and failed private-token checks. Cache hits and 304s spend nothing, so a
/// calendar service polling many unchanged feeds from a few addresses is never refused, while
/// a flood of requests that each need a render is. Keyed on the client address as the
/// forwarded-headers middleware resolved it (see <see cref="ForwardedHeadersSetup"/>); IPv6
/// clients by their /64, the smallest block a subscriber is usually given. Thread-safe.
/// <para>
/// A token bucket per client: <see cref="RateLimitOptions.Burst"/> tokens, refilled by
/// PermitsPerMinute / 60 whole tokens every second. It reads time from the injected
/// <see cref="TimeProvider"/> (System.Threading.RateLimiting's limiters read the system clock
/// and take none), so tests decide when a second has passed instead of racing the refill. A
/// full bucket is the same as no bucket, so full ones are dropped by a periodic sweep: memory
/// follows the number of clients that spent something in the last few seconds.
/// </para>
/// </summary>
internal sealed class ClientBudget : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly int _perSecond;
    private readonly ITimer? _sweep;

    public ClientBudget(IOptions<RateLimitOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        var limits = options.Value;
        if (limits.PermitsPerMinute <= 0)
        {
            return;
        }

        _limit = Math.Max(1, limits.Burst);
        _perSecond = Math.Max(1, limits.PermitsPerMinute / 60);
        _sweep = time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    /// <summary>Spends one unit of the client's budget: null when admitted, else how long to wait.</summary>
    public TimeSpan? TrySpend(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_sweep is null)
        {
            return null;
        }

        var key = ClientKey(context.Connection.RemoteIpAddress);
        while (true)
        {
            var now = _time.GetTimestamp();
            var bucket = _buckets.GetOrAdd(key, static (_, state) => new Bucket(state.Limit, state.Now), (Limit: _limit, Now: now));
            lock (bucket)
            {
                if (bucket.Dropped)
                {
                    continue; // swept just now: a fresh (full) bucket takes its place
                }

                Refill(bucket, now);
                if (bucket.Tokens > 0)
                {
                    bucket.Tokens--;
                    return null;
                }

                // Until the next refill, which is at most one second away.
                return TimeSpan.FromSeconds((double)(_time.TimestampFrequency - (now - bucket.Stamp)) / _time.TimestampFrequency);
            }
        }
    }

    /// <summary>Adds the tokens of every whole second since the bucket's last refill. Caller holds the bucket's lock.</summary>
    private void Refill(Bucket bucket, long now)
    {
        var seconds = (now - bucket.Stamp) / _time.TimestampFrequency;
        if (seconds <= 0)
        {
            return;
        }

        bucket.Tokens = (int)Math.Min(_limit, bucket.Tokens + (seconds * _perSecond));
        bucket.Stamp += seconds * _time.TimestampFrequency;
    }

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                Refill(bucket, now);
                if (bucket.Tokens >= _limit)
                {
                    bucket.Dropped = true;
                    _buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
                }
            }
        }
    }

    /// <summary>Clients holding a bucket that is not full (for tests of the sweep).</summary>
    internal int Count => _buckets.Count;

    /// <summary>The partition of an address: IPv4 whole, IPv6 by its /64 prefix.</summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    public void Dispose() => _sweep?.Dispose();

    private sealed class Bucket(int tokens, long stamp)
    {
        public int Tokens { get; set; } = tokens;

        /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last whole-second refill.</summary>
        public long Stamp { get; set; } = stamp;

        /// <summary>Removed by the sweep; a spender holding it takes the dictionary's new one.</summary>
        public bool Dropped { get; set; }
    }
}

/// <summary>Endpoint filter that spends one unit of the caller's budget before the handler runs (admin calls).</summary>
internal sealed class SpendBudgetFilter(ClientBudget budget) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return budget.TrySpend(context.HttpContext) is { } wait
            ? Http.Problems.TooManyRequests(wait)
            : await next(context);
    }
}
