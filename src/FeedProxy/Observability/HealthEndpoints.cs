using Carter;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeedProxy.Observability;

/// <summary>Liveness (/healthz), readiness (/readyz) and Prometheus metrics (/metrics).</summary>
public sealed class HealthEndpoints : ICarterModule
{
    private const string ReadyTag = ObservabilityExtensions.ReadyTag;

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).WithTags("Health").WithSummary("Liveness: the process serves requests.");
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                // Degraded (e.g. Redis down, serving from memory and the database) is still ready.
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithTags("Health");
        app.MapPrometheusScrapingEndpoint("/metrics").WithTags("Health").WithSummary("Prometheus metrics (OpenTelemetry exporter).");
    }
}
