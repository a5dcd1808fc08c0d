using Microsoft.Extensions.Options;
using Npgsql;

namespace FeedProxy.Observability;

/// <summary>
/// One line at start naming where events come from and which cache serves them, so an
/// operator sees at once whether this is the embedded file store or PostgreSQL (and which
/// database), and a hint when subscribe links will be built from the request's host.
/// Connection strings are reduced to host and database: passwords never reach the log.
/// </summary>
internal sealed partial class StartupReport(IConfiguration configuration, IOptions<FeedProxyOptions> options, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var store = Store(configuration, settings);
        var cache = Cache(configuration, settings);
        LogStores(store, cache);
        if (settings.PublicBaseUrl is null)
        {
            LogNoPublicBaseUrl();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static string Store(IConfiguration configuration, FeedProxyOptions settings)
    {
        var postgres = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(postgres))
        {
            return $"event files in {Path.GetFullPath(settings.EventsPath)} (embedded file store; revisions kept in {Path.GetFullPath(settings.StatePath)})";
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(postgres);
            return $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (ConnectionStrings__Postgres)";
        }
    }

    internal static string Cache(IConfiguration configuration, FeedProxyOptions settings)
    {
        var memory = $"in-process, {settings.Caching.MemoryLimitMegabytes} MB";
        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            return memory;
        }

        // StackExchange.Redis configuration: endpoints first, then key=value options (password among them).
        var endpoints = string.Join(",", redis.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0 && !p.Contains('=', StringComparison.Ordinal)));
        return $"{memory}, in front of Redis at {endpoints}";
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Serving events from {Store}; feed cache: {Cache}")]
    private partial void LogStores(string store, string cache);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message =
        "FeedProxy__PublicBaseUrl is not set: subscribe links, QR codes and feed self links use the host each request came to, "
        + "so a page opened as localhost offers localhost links that phones and Google Calendar cannot reach. Set it to the public address, e.g. FeedProxy__PublicBaseUrl=https://feeds.example.org/")]
    private partial void LogNoPublicBaseUrl();
}
