using FeedProxy.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeedProxy.Observability;

/// <summary>Health endpoints, metrics, OpenAPI and structured logs.</summary>
internal static class ObservabilityExtensions
{
    internal const string ReadyTag = "ready";

    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<FeedMetrics>();
        services.AddTelemetry(configuration);
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        services.AddOpenApi();
        return services;
    }

    public static WebApplication UseObservability(this WebApplication app)
    {
        app.MapOpenApi();
        return app;
    }
}

/// <summary>Ready when the schedule store answers (the file store always does; PostgreSQL must be reachable).</summary>
internal sealed class StoreHealthCheck(IEventStore store, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cap.Token);
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
