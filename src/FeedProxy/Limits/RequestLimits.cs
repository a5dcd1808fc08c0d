using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace FeedProxy.Limits;

/// <summary>
/// Registrations that keep abuse from hurting the service: the body limit (413), errors that
/// are the client's or the store's fault mapped to 4xx/503 instead of 500, the client budget,
/// forwarded headers from configured proxies only, and the Host guard. Options are bound the
/// one way the host binds them: <c>AddOptions&lt;T&gt;().BindConfiguration(T.Section)</c>, and
/// a setting another component needs reaches it through <c>Configure&lt;IOptions&lt;T&gt;&gt;</c>.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Retry-After of a 503 caused by the store, seconds.</summary>
    public const int StoreRetryAfterSeconds = 5;

    public static long MaxBodyBytes(RequestLimitOptions options) =>
        Math.Max(1, options.MaxRequestBodyMegabytes) * 1024L * 1024;

    public static IServiceCollection AddRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section);
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section);

        // Spent on expensive work only; see ClientBudget.
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddSingleton<ClientBudget>();

        // Kestrel's default is 30 MB, below the import limit, and its rejection surfaced as 500.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitOptions>>(
            (kestrel, limits) => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes(limits.Value));
        services.Configure<ExceptionHandlerOptions>(o => o.StatusCodeSelector = StatusFor);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Status == StatusCodes.Status503ServiceUnavailable)
            {
                context.HttpContext.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.ProblemDetails.Detail ??= "The schedule store is unavailable. Try again shortly.";
            }
        });
        return services;
    }

    /// <summary>
    /// Status of an exception no handler caught: a request Kestrel refused keeps its 4xx (413
    /// body too large, 400 malformed), a store that does not answer is 503 (RFC 9110 section
    /// 15.6.4) with Retry-After, anything else stays 500.
    /// </summary>
    internal static int StatusFor(Exception exception) => exception switch
    {
        Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
        _ when IsStoreUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static bool IsStoreUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or SocketException or TimeoutException or System.IO.IOException)
            {
                return true;
            }
        }

        return false;
    }

    public static WebApplication UseRequestLimits(this WebApplication app)
    {
        var proxy = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        if (ForwardedHeadersSetup.Build(proxy) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<HostGuard>();
        return app;
    }
}
