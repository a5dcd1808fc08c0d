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
        CollectionsPath = Path.Combine(Root, "collections");
        Directory.CreateDirectory(EventsPath);
        WriteEvent("testconf", TestEvents.Conference());
    }

    public string Root { get; }

    public string EventsPath { get; }

    /// <summary>Collection files of this test (never the repository's config/collections).</summary>
    public string CollectionsPath { get; }

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public void WriteEvent(string id, string json) =>
        File.WriteAllText(Path.Combine(EventsPath, id + ".json"), json);

    public void WriteCollection(string id, string json)
    {
        Directory.CreateDirectory(CollectionsPath);
        File.WriteAllText(Path.Combine(CollectionsPath, id + ".json"), json);
    }

    public HttpClient CreatePlainClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
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
