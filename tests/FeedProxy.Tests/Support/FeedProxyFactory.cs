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
    private readonly KestrelHosts _kestrelHosts = new();
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

    /// <summary>
    /// The one clock of the whole host (it replaces the application's TimeProvider): every
    /// timer, delay, timeout and backoff of the application waits on it, so nothing happens by
    /// the passing of time unless the test advances it. Starts at the time the factory is made.
    /// </summary>
    public DrivenClock Clock { get; } = new();

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
    /// Writes an event file; once the host runs, the file store reads it before this returns
    /// (<see cref="WaitForReloadAsync"/>), as its watcher would a moment later in production.
    /// </summary>
    public void WriteEvent(string id, string json)
    {
        WriteEventFile(id, json);
        ReloadIfRunning();
    }

    /// <summary>Writes an event file and nothing more: for tests of the watcher and the poll themselves.</summary>
    public void WriteEventFile(string id, string json) =>
        File.WriteAllText(Path.Combine(EventsPath, id + ".json"), json);

    /// <summary>Deletes an event file; once the host runs, the file store has seen it gone before this returns.</summary>
    public void DeleteEvent(string id)
    {
        File.Delete(Path.Combine(EventsPath, id + ".json"));
        ReloadIfRunning();
    }

    private void ReloadIfRunning()
    {
        IEnumerable<IServiceProvider> running = [.. _host is null ? [] : new[] { _host.Services }, .. _kestrelHosts.Services];
        foreach (var services in running)
        {
            services.GetService<FeedProxy.Storage.FileEventStore>()?.ReloadAll(wait: true);
        }
    }

    public void WriteCollection(string id, string json)
    {
        Directory.CreateDirectory(CollectionsPath);
        File.WriteAllText(Path.Combine(CollectionsPath, id + ".json"), json);
    }

    /// <summary>
    /// Makes the file store read every file written before this call, now: one pass over the
    /// folder, waited for. The watcher's debounce and the poll wait on <see cref="Clock"/>, so
    /// without this (or advancing the clock) a written file is not read at all.
    /// </summary>
    public Task WaitForReloadAsync()
    {
        _ = Host;
        ReloadIfRunning();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Advances <see cref="Clock"/> past the file store's poll interval and waits for the pass
    /// its timer starts: the timer path, as in production, for tests of the reload itself.
    /// </summary>
    public async Task PollFilesAsync()
    {
        var store = Services.GetRequiredService<FeedProxy.Storage.FileEventStore>();
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded() => reloaded.TrySetResult();
        store.Reloaded += OnReloaded;
        try
        {
            Clock.Advance(TimeSpan.FromSeconds(2));
            await reloaded.Task.WaitAsync(Eventually.Deadline);
        }
        finally
        {
            store.Reloaded -= OnReloaded;
        }
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
    public Uri StartKestrel() => _kestrelHosts.Start(Configure);

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
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
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
        _kestrelHosts.Dispose();
        _host?.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
