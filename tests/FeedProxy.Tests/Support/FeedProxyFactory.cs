using Alba;
using FeedProxy.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FeedProxy.Tests.Support;

/// <summary>
/// Hosts the real application through an <see cref="AlbaHost"/> over a private temporary
/// events folder (embedded store, in-process cache). Each instance is one configuration: as
/// an xunit class fixture it is shared by all tests of the class, and tests may edit files in
/// its folder. The host starts on first use, so <see cref="Settings"/> can be changed until then.
/// </summary>
public sealed class FeedProxyFactory : IDisposable
{
    private readonly List<IDisposable> _kestrelHosts = [];
    private IAlbaHost? _host;

    public FeedProxyFactory()
    {
        Root = Directory.CreateTempSubdirectory("feedproxy-tests-").FullName;
        EventsPath = Path.Combine(Root, "events");
        CollectionsPath = Path.Combine(Root, "collections");
        Directory.CreateDirectory(EventsPath);
        WriteEvent("testconf", TestEvents.Conference());
    }

    public string Root { get; }

    public string EventsPath { get; }

    /// <summary>Collection files of this test (never the repository's config/collections).</summary>
    public string CollectionsPath { get; }

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>The running application; started on first use with the current <see cref="Settings"/>.</summary>
    // AlbaHost.For completes synchronously without extensions (the host starts when its
    // TestServer is first read), so waiting here does not block on xunit's context.
    public IAlbaHost Host => _host ??= AlbaHost.For<Program>(Configure).GetAwaiter().GetResult();

    public IServiceProvider Services => Host.Services;

    private Action<Microsoft.Extensions.Logging.ILoggingBuilder>? _logging;

    /// <summary>Extra logging configuration (providers, levels) applied when the host is built.</summary>
    public void WithLogging(Action<Microsoft.Extensions.Logging.ILoggingBuilder> configure) => _logging = configure;

    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>Extra service registrations (they replace the application's), applied when the host is built.</summary>
    public void WithServices(Action<IServiceCollection> configure) => _services.Add(configure);

    /// <summary>
    /// The clients' budget (rate limit) reads this clock instead of the system's, so a test
    /// decides when its refill second passes: on a loaded machine a few renders can take longer
    /// than the one-second refill and turn an expected 429 into a 200.
    /// </summary>
    public void UseBudgetClock(TimeProvider clock) =>
        WithServices(services => services.AddSingleton(sp => new FeedProxy.Limits.ClientBudget(sp.GetRequiredService<IOptions<FeedProxy.Limits.RateLimitOptions>>(), clock)));

    public void WriteEvent(string id, string json) =>
        File.WriteAllText(Path.Combine(EventsPath, id + ".json"), json);

    public void WriteCollection(string id, string json)
    {
        Directory.CreateDirectory(CollectionsPath);
        File.WriteAllText(Path.Combine(CollectionsPath, id + ".json"), json);
    }

    /// <summary>
    /// Waits until the file store has read every file written before this call: writes a marker
    /// event and waits for its feed (one reload pass reads all changed files). For checks that
    /// something did not change (a broken file kept out, a draft kept private), which a fixed
    /// sleep could pass before the reload even ran.
    /// </summary>
    public async Task WaitForReloadAsync()
    {
        var id = "reload-" + Guid.NewGuid().ToString("N")[..12];
        WriteEvent(id, TestEvents.Conference(id: id));
        var client = CreatePlainClient();
        Assert.True(
            await Eventually.TrueAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri($"/events/{id}.ics", UriKind.Relative));
                return response.StatusCode == System.Net.HttpStatusCode.OK;
            }),
            "the file store never loaded a new file");
    }

    /// <summary>A client of the in-memory server; it never follows redirects.</summary>
    public HttpClient CreatePlainClient() => Host.Server.CreateClient();

    public HttpClient CreateClient() => CreatePlainClient();

    /// <summary>Runs an Alba scenario (request plus expectations) against this host.</summary>
    public Task<IScenarioResult> Scenario(Action<Scenario> configure) => Host.Scenario(configure);

    /// <summary>
    /// A second host over the same folders with extra host configuration (e.g. logging); the
    /// caller disposes it.
    /// </summary>
    public IAlbaHost WithWebHostBuilder(Action<IWebHostBuilder> configure) =>
        AlbaHost.For<Program>(builder =>
        {
            Configure(builder);
            configure(builder);
        }).GetAwaiter().GetResult();

    /// <summary>
    /// Starts the application on real Kestrel (an ephemeral loopback port) for requests the
    /// in-memory server cannot carry, and returns its address.
    /// </summary>
    public Uri StartKestrel()
    {
        var kestrel = new KestrelHost(Configure);
        _kestrelHosts.Add(kestrel);
        // The port is chosen by a listen option, not UseKestrel(port): that one rewrites the
        // server's address list after the host is built, racing the application's own start
        // (WebApplication), and lost now and then on a loaded machine ("Addresses cannot be
        // modified after the server has started", dotnet/aspnetcore PR 67714).
        kestrel.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        kestrel.StartServer();
        var addresses = kestrel.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    private void Configure(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.RouteToTestLog());
        builder.UseSetting("FeedProxy:EventsPath", EventsPath);
        builder.UseSetting("FeedProxy:StatePath", Path.Combine(Root, "state"));
        builder.UseSetting("FeedProxy:CollectionsPath", CollectionsPath);
        builder.UseSetting("FeedProxy:UidDomain", "tests.feedproxy.example");
        // Test clients share one (absent) address; RateLimitTests turns limiting back on.
        builder.UseSetting("FeedProxy:RateLimit:PermitsPerMinute", "0");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (_logging is not null)
        {
            builder.ConfigureLogging(_logging);
        }

        foreach (var configure in _services)
        {
            builder.ConfigureServices(configure);
        }
    }

    public void Dispose()
    {
        foreach (var kestrel in _kestrelHosts)
        {
            kestrel.Dispose();
        }

        _host?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The same application on Kestrel, which AlbaHost (in-memory TestServer) does not run.</summary>
    private sealed class KestrelHost(Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => configure(builder);
    }
}
