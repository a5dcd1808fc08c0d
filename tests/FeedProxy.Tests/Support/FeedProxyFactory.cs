using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FeedProxy.Tests.Support;

/// <summary>
/// Hosts the real application over a private temporary events folder (embedded store,
/// in-process cache). Each test class gets its own folder, so tests may edit files.
/// </summary>
public sealed class FeedProxyFactory : WebApplicationFactory<Program>
{
    public FeedProxyFactory()
    {
        Root = Directory.CreateTempSubdirectory("feedproxy-tests-").FullName;
        EventsPath = Path.Combine(Root, "events");
        Directory.CreateDirectory(EventsPath);
        WriteEvent("testconf", TestEvents.Conference());
    }

    public string Root { get; }

    public string EventsPath { get; }

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    private Action<Microsoft.Extensions.Logging.ILoggingBuilder>? _logging;

    /// <summary>Extra logging configuration (providers, levels) applied when the host is built.</summary>
    public void WithLogging(Action<Microsoft.Extensions.Logging.ILoggingBuilder> configure) => _logging = configure;

    public void WriteEvent(string id, string json) =>
        File.WriteAllText(Path.Combine(EventsPath, id + ".json"), json);

    public HttpClient CreatePlainClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        builder.UseSetting("FeedProxy:EventsPath", EventsPath);
        builder.UseSetting("FeedProxy:StatePath", Path.Combine(Root, "state"));
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
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
