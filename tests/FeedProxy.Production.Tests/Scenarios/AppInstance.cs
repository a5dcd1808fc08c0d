using Alba;
using FeedProxy.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// One FeedProxy instance in production mode (PostgreSQL store, Redis cache, admin API),
/// hosted through an <see cref="AlbaHost"/> that starts on first use.
/// </summary>
/// <param name="postgres">Connection string of the database.</param>
/// <param name="redis">Redis configuration string.</param>
/// <param name="clock">The clock of the host; instances of one scenario share one, as machines kept in step by NTP do.</param>
public sealed class AppInstance(string postgres, string redis, DrivenClock? clock = null) : IDisposable
{
    public const string AdminToken = "scenario-admin-token";

    private readonly string _state = Directory.CreateTempSubdirectory("feedproxy-instance-").FullName;

    public Infrastructure.CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Extra settings, applied when the host starts (first use).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    private IAlbaHost? _host;
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>Extra service registrations (they replace the application's), applied when the host starts.</summary>
    public void WithServices(Action<IServiceCollection> configure) => _services.Add(configure);
    private readonly KestrelHosts _kestrelHosts = new();

    /// <summary>
    /// Starts this instance's configuration on real Kestrel (an ephemeral loopback port) for
    /// clients that need a real server (python-caldav, vdirsyncer), and returns its address.
    /// </summary>
    public Uri StartKestrel() => _kestrelHosts.Start(ConfigureWebHost);

    /// <summary>
    /// The one clock of this instance (it replaces the application's TimeProvider): its timers,
    /// delays, timeouts and backoffs wait on it, so time passes only when the test advances it.
    /// </summary>
    public DrivenClock Clock { get; } = clock ?? new();

    // AlbaHost.For completes synchronously without extensions (the host starts when its
    // TestServer is first read).
    public IAlbaHost Host => _host ??= AlbaHost.For<Program>(ConfigureWebHost).GetAwaiter().GetResult();

    /// <summary>A client of the in-memory server; it never follows redirects.</summary>
    public HttpClient Client() => Host.Server.CreateClient();

    public HttpClient AdminClient()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>
    /// Waits until the instance LISTENs for schedule changes (its listener logs it): a change
    /// committed before that reaches it only by its next read, never by a notification.
    /// </summary>
    public async Task WaitUntilListeningAsync()
    {
        _ = Host;
        Assert.True(
            await Eventually.TrueAsync(() => Logs.Lines.Any(l => l.Contains("Listening for schedule changes", StringComparison.Ordinal))),
            "the instance never listened for changes:\n" + Logs.Tail());
    }

    private void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.RouteToTestLog().AddProvider(Logs));
        builder.UseSetting("ConnectionStrings:Postgres", postgres);
        builder.UseSetting("ConnectionStrings:Redis", redis);
        builder.UseSetting("FeedProxy:AdminToken", AdminToken);
        builder.UseSetting("FeedProxy:UidDomain", "scenario.feedproxy.example");
        builder.UseSetting("FeedProxy:StatePath", _state);
        builder.UseSetting("FeedProxy:RateLimit:PermitsPerMinute", "0");
        // "Rendered ..." lines show which instance rendered what (metrics are process-wide here).
        builder.UseSetting("Logging:LogLevel:FeedProxy.Feeds.EventFeedKind", "Debug");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        foreach (var configure in _services)
        {
            builder.ConfigureServices(configure);
        }
    }

    public void Dispose()
    {
        _kestrelHosts.Dispose();
        _host?.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A small self-written event; <paramref name="title"/> names session s1.</summary>
    public static string EventJson(string title) => $$"""
    {
      "name": "Scenario Conference",
      "timeZone": "Europe/Brussels",
      "tracks": [ { "id": "t1", "name": "Main Track", "color": "#336699" } ],
      "rooms": [ { "id": "r1", "name": "Room One" } ],
      "speakers": [ { "id": "sp1", "name": "Anaïs Łukaszewicz", "email": "hidden@example.org" } ],
      "sessions": [
        { "id": "s1", "title": "{{title}}", "start": "2027-02-06T10:00:00+01:00", "end": "2027-02-06T10:30:00+01:00", "track": "t1", "room": "r1", "speakers": ["sp1"] },
        { "id": "s2", "title": "Second Session", "start": "2027-02-06T11:00:00+01:00", "end": "2027-02-06T11:30:00+01:00", "room": "r1" }
      ]
    }
    """;
}
