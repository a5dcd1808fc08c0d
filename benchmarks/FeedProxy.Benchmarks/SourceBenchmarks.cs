using System.Globalization;
using BenchmarkDotNet.Attributes;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Upstream;
using NodaTime;

namespace FeedProxy.Benchmarks;

/// <summary>
/// The CPU side of refreshing a live upstream source whose document changed: parsing the
/// fetched bytes into the schedule model (the fetch, the store write and later renders are
/// not included). Documents: a ~1 MB iCalendar and a ~10 MB RSS feed written by our own
/// writers from generated sessions, and a real frab XML schedule from ../shared/data.
/// </summary>
[MemoryDiagnoser]
public class SourceBenchmarks
{
    private byte[] _body = [];
    private SourceKind _kind;

    [Params("ics-1mb", "frab-xml", "rss-10mb")]
    public string Document { get; set; } = "ics-1mb";

    [GlobalSetup]
    public void Setup() => (_kind, _body) = SourceDocuments.For(Document);

    [Benchmark]
    public int Parse() => SourceDocuments.Parse(_kind, _body).Sessions.Count;
}

/// <summary>The upstream documents of <see cref="SourceBenchmarks"/>, built once per process.</summary>
internal static class SourceDocuments
{
    // Sessions of the generated schedule that give documents of about 1 MB (.ics) and 10 MB (.rss).
    private const int IcsSessions = 560;
    private const int RssSessions = 4_800;

    public static string FrabPath =>
        Environment.GetEnvironmentVariable("FEEDPROXY_FRAB_XML")
        ?? Path.Combine(RepositoryRoot(), "..", "shared", "data", "fosdem-mttcrsp", "2026.xml");

    public static (SourceKind Kind, byte[] Body) For(string document) => document switch
    {
        "ics-1mb" => (SourceKind.ICalendar, FeedWriters.Render(Documents.For(IcsSessions), FeedFormat.ICalendar)),
        "rss-10mb" => (SourceKind.Feed, FeedWriters.Render(Documents.For(RssSessions), FeedFormat.Rss)),
        "frab-xml" => (SourceKind.Schedule, File.Exists(FrabPath)
            ? File.ReadAllBytes(FrabPath)
            : throw new FileNotFoundException($"frab XML not found at {FrabPath}; set FEEDPROXY_FRAB_XML")),
        _ => throw new ArgumentOutOfRangeException(nameof(document)),
    };

    public static Event Parse(SourceKind kind, byte[] body) =>
        SourceKinds.Read(kind, body, kind == SourceKind.Schedule ? "application/xml" : null, new UpstreamReadOptions
        {
            EventId = "source-bench",
            TimeZone = "Europe/Brussels",
            ReadAt = Instant.FromUtc(2026, 11, 26, 8, 0),
            SourceUrl = new Uri("https://upstream.example/schedule"),
        });

    /// <summary>Size, sessions and the managed memory one parsed schedule keeps alive (what a refreshed source costs while held).</summary>
    public static void Report(TextWriter output)
    {
        foreach (var name in new[] { "ics-1mb", "frab-xml", "rss-10mb" })
        {
            var (kind, body) = For(name);
            Parse(kind, body); // JIT and statics first
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var parsed = Parse(kind, body);
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-9} {body.Length,12:N0} bytes  {parsed.Sessions.Count,6:N0} sessions  model retained {retained / 1024.0 / 1024.0,7:F1} MB"));
            GC.KeepAlive(parsed);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FeedProxy.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
