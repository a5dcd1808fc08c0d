using System.Text.RegularExpressions;

namespace FeedProxy.Private;

/// <summary>
/// Keeps private-URL tokens out of logs. ASP.NET Core's hosting diagnostics log the full
/// request path ("Request starting ... /private/{token}/...") at Information before any
/// middleware can run, and open a log scope carrying RequestPath that every scope-printing
/// logger (JSON console with IncludeScopes, OpenTelemetry) attaches to every line of the
/// request. That category is therefore switched off (it only ever writes those request
/// lines and that scope; trace ids still flow through Activity), and this middleware logs
/// each request instead (Debug, category FeedProxy.Requests) with the token replaced by "***".
/// </summary>
internal static partial class RequestLogRedaction
{
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Category of the per-request Debug line (and of the scope every line of a request carries).</summary>
    public const string Category = "FeedProxy.Requests";

    /// <summary>
    /// Categories that write the raw request path or target below Information: the router's
    /// matcher ("candidate(s) found for the request path '...'", Debug) and Kestrel's
    /// bad-request diagnostics (Debug). They are held at Warning whatever the configuration
    /// says, so raising the log level to Debug or Trace cannot leak a token. Not Information:
    /// a filter this specific beats the configuration's "Microsoft.AspNetCore": "Warning", and
    /// at Information the endpoint middleware writes two lines for every request.
    /// </summary>
    public static readonly string[] PathLoggingCategories =
    [
        // Parents and the exact categories, so a configuration rule for either loses to these
        // (the most specific rule wins, and among equals the last registered).
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Routing.Matching.DfaMatcher",
        "Microsoft.AspNetCore.Routing.EndpointMiddleware",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Server.Kestrel.BadRequests",
        "Microsoft.AspNetCore.Server.Kestrel.Connections",
        "Microsoft.AspNetCore.Server.Kestrel.Http2",
        "Microsoft.AspNetCore.Server.Kestrel.Http3",
    ];

    public static IServiceCollection AddRequestLogRedaction(this IServiceCollection services) =>
        // Registered after configuration's rules, so it wins over a config entry for the
        // same category (LoggerRuleSelector: later rule of equal specificity wins).
        services.Configure<LoggerFilterOptions>(o =>
        {
            o.AddFilter(HostingCategory, LogLevel.None);
            foreach (var category in PathLoggingCategories)
            {
                o.AddFilter(category, level => level >= LogLevel.Warning);
            }
        });

    public static IApplicationBuilder UseRedactedRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            // Every log line of the request carries its id and its path with any private
            // token redacted (ASP.NET's own request scope, which holds the raw path, is off).
            using var scope = logger.BeginScope(new KeyValuePair<string, object>[]
            {
                new("RequestId", context.TraceIdentifier),
                new("RequestPath", Redact(context.Request.Path.Value)),
            });
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(context);
                return;
            }

            var started = time.GetTimestamp();
            await next(context);
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            var path = Redact(context.Request.Path.Value);
            LogRequest(logger, context.Request.Method, path, context.Response.StatusCode, elapsed);
        });
    }

    /// <summary>"/private/abc.../events/x.ics" -> "/private/***/events/x.ics"; other paths unchanged. The query is never logged.</summary>
    public static string Redact(string? path) =>
        string.IsNullOrEmpty(path) ? "/"
        : !path.StartsWith("/private", StringComparison.OrdinalIgnoreCase) ? path // every feed poll: no regex
        : PrivateSegment().Replace(path, "/private/***");

    [GeneratedRegex("^/private/[^/]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateSegment();

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "{Method} {Path} -> {StatusCode} in {Milliseconds:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double milliseconds);
}
