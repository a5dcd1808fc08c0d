using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using FeedProxy.Timing;
using Polly;

namespace FeedProxy.Upstream;

internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>
    /// Live sources: the store of declarations (PostgreSQL table or files next to the events),
    /// the refresher, and the "upstream" HttpClient: a SocketsHttpHandler that checks every
    /// address it connects to (<see cref="AddressPolicy"/>) and never follows redirects itself,
    /// behind a resilience pipeline of total timeout, retries with exponential backoff and jitter,
    /// a circuit breaker per upstream host, and an attempt timeout.
    /// </summary>
    public static IServiceCollection AddUpstreamSources(this IServiceCollection services, bool postgres)
    {
        if (postgres)
        {
            services.AddSingleton<ISourceStore, PostgresSourceStore>();
        }
        else
        {
            services.AddSingleton<ISourceStore, FileSourceStore>();
        }

        services.AddSingleton<UpstreamMetrics>();
        services.AddSingleton<UpstreamFetcher>();
        services.AddSingleton<OpenEventPager>();
        services.AddSingleton<RefreshSchedule>();
        services.AddSingleton<SourceRefresh>();
        services.AddSingleton<SourceRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<SourceRefresher>());

        // No per-request logging: URLs may carry secrets (private calendar addresses), and the
        // refresher logs one line per state change instead.
        services.AddHttpClient(UpstreamFetcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = AddressPolicy.ConnectCallback(sp.GetRequiredService<IOptions<FeedProxyOptions>>().Value.Upstream),
            })
            .AddResilienceHandler("upstream", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<FeedProxyOptions>>().Value.Upstream;
                // Timeouts, retry delays and the breaker's durations on the injected clock.
                pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                var jitter = context.ServiceProvider.GetRequiredService<IJitterSource>();
                pipeline.AddTimeout(TimeSpan.FromSeconds(Math.Max(1, o.TimeoutSeconds)));
                if (o.Retries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.Retries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Randomizer = jitter.NextDouble,
                        Delay = TimeSpan.FromMilliseconds(Math.Max(1, o.RetryDelayMilliseconds)),
                        // A refused address stays refused: no retry, no load on the breaker.
                        ShouldHandle = args => ValueTask.FromResult(!IsRefused(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                    });
                }

                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 6,
                    SamplingDuration = TimeSpan.FromSeconds(60),
                    BreakDuration = TimeSpan.FromSeconds(30),
                    ShouldHandle = args => ValueTask.FromResult(!IsRefused(args.Outcome.Exception) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(Math.Max(1, o.AttemptTimeoutSeconds)));
            })
            .SelectPipelineByAuthority();

        // Push deliveries and WebSub verification (Push/): the same address check on every
        // connection, no redirects followed (a 3xx is a failed delivery, never a hop to an
        // internal address), no retries here (the delivery queue retries with its schedule).
        services.AddHttpClient(UpstreamFetcher.PushClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = AddressPolicy.ConnectCallback(sp.GetRequiredService<IOptions<FeedProxyOptions>>().Value.Upstream),
            });
        return services;
    }

    /// <summary>Feed requests tell the refresher which events are read (<see cref="UpstreamFreshnessMiddleware"/>).</summary>
    public static IApplicationBuilder UseUpstreamFreshness(this IApplicationBuilder app) =>
        app.UseMiddleware<UpstreamFreshnessMiddleware>();

    private static bool IsRefused(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is UpstreamAddressRefusedException)
            {
                return true;
            }
        }

        return false;
    }
}
