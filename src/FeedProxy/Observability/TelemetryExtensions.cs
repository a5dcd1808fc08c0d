using FeedProxy.Caching;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FeedProxy.Observability;

/// <summary>
/// OpenTelemetry: the "FeedProxy" meter and process gauges, scraped at /metrics by the
/// Prometheus exporter; and, when the standard OTEL_EXPORTER_OTLP_* variables name an
/// endpoint, OTLP export of metrics and traces (ASP.NET Core, HttpClient, Npgsql, Redis).
/// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_PROTOCOL/HEADERS are read
/// by the SDK itself.
/// </summary>
internal static class TelemetryExtensions
{
    // Seconds-scale boundaries for the duration histograms (OpenTelemetry's defaults are
    // milliseconds-scale, 0 to 10000).
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("feedproxy"))
            .WithMetrics(metrics => metrics
                .AddMeter(FeedMetrics.MeterName, ProcessMetrics.MeterName)
                .AddInstrumentation(sp => new ProcessMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()))
                .AddView(instrument => instrument.Unit == "s" && instrument.Meter.Name == FeedMetrics.MeterName
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets }
                    : null)
                // Every scrape reads the current values (the exporter would otherwise answer
                // from a copy up to 300 ms old).
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        if (OtlpConfigured(configuration))
        {
            telemetry
                .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    // Npgsql publishes its own ActivitySource.
                    .AddSource("Npgsql")
                    .AddRedisInstrumentation()
                    .ConfigureRedisInstrumentation((sp, redis) => sp.GetService<RedisFeedCacheStore>()?.OnConnected(connection => redis.AddConnection(connection))))
                .UseOtlpExporter();
        }

        return services;
    }

    /// <summary>True when an OTLP endpoint is configured (OpenTelemetry specification, "OTLP Exporter Configuration").</summary>
    private static bool OtlpConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
}
