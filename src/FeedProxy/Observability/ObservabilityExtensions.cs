using System.Globalization;
using System.Threading.RateLimiting;
using FeedProxy.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeedProxy.Observability;

/// <summary>Per-client rate limit of feed routes.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per client address per minute (token bucket refilled every second). 0 disables.</summary>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Requests a client may make at once before the per-second refill applies.</summary>
    public int Burst { get; set; } = 120;
}

/// <summary>Health endpoints, metrics, OpenAPI, rate limiting and structured logs.</summary>
internal static class ObservabilityExtensions
{
    public const string FeedRateLimitPolicy = "feeds";
    internal const string ReadyTag = "ready";

    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FeedMetrics>();
        services.AddTelemetry(configuration);
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        services.AddOpenApi();

        var limits = configuration.GetSection("FeedProxy:RateLimit").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem("Too many requests from this address; retry later.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests")
                    .ExecuteAsync(context.HttpContext);
            };
            options.AddPolicy(FeedRateLimitPolicy, context =>
            {
                if (limits.PermitsPerMinute <= 0)
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, limits.Burst),
                    TokensPerPeriod = Math.Max(1, limits.PermitsPerMinute / 60),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return services;
    }

    public static WebApplication UseObservability(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapOpenApi();
        return app;
    }
}

/// <summary>Ready when the schedule store answers (the file store always does; PostgreSQL must be reachable).</summary>
internal sealed class StoreHealthCheck(IEventStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var events = await store.ListAsync(timeout.Token);
            return HealthCheckResult.Healthy($"{events.Count} events");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The schedule store does not answer.", ex);
        }
    }
}

/// <summary>
/// Redis is an optimisation: when it is down the server keeps serving from memory and the
/// store, so the check reports Degraded (still ready), never Unhealthy.
/// </summary>
internal sealed class RedisHealthCheck(Caching.RedisFeedCacheStore redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await redis.PingAsync(cancellationToken)
            ? HealthCheckResult.Healthy("Redis connected")
            : HealthCheckResult.Degraded("Redis unavailable; serving from the in-process cache and the store");
}
