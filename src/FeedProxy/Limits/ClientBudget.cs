using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using FeedProxy.Observability;
using Microsoft.Extensions.Options;

namespace FeedProxy.Limits;

/// <summary>
/// Each client's budget for expensive work: renders and store reads on a cache miss, subscribe
/// pages, admin calls and failed private-token checks. Cache hits and 304s spend nothing, so a
/// calendar service polling many unchanged feeds from a few addresses is never refused, while
/// a flood of requests that each need a render is. Keyed on the client address as the
/// forwarded-headers middleware resolved it (see <see cref="ForwardedHeadersSetup"/>); IPv6
/// clients by their /64, the smallest block a subscriber is usually given. Idle partitions are
/// dropped by the limiter, so memory follows the number of active clients. Thread-safe.
/// </summary>
internal sealed class ClientBudget : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public ClientBudget(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        if (limits.PermitsPerMinute <= 0)
        {
            return;
        }

        _limiter = PartitionedRateLimiter.Create<string, string>(client =>
            RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, limits.Burst),
                TokensPerPeriod = Math.Max(1, limits.PermitsPerMinute / 60),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }), StringComparer.Ordinal);
    }

    /// <summary>Spends one unit of the client's budget: null when admitted, else how long to wait.</summary>
    public TimeSpan? TrySpend(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_limiter is null)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(ClientKey(context.Connection.RemoteIpAddress));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

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

    public void Dispose() => _limiter?.Dispose();
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
