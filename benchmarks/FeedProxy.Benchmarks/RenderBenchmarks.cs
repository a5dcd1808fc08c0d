using System.Buffers;
using BenchmarkDotNet.Attributes;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Benchmarks;

/// <summary>
/// Time to write one whole feed from the in-memory model into a reused buffer: what the
/// server does on a cache miss after loading the event (store, compression and HTTP excluded).
/// </summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private FeedDocument _document = null!;
    private IFeedWriter _writer = null!;

    [Params(100, 1_000, 10_000)]
    public int Sessions { get; set; }

    [Params("ics", "xcs", "rss", "atom", "json")]
    public string Format { get; set; } = "ics";

    [GlobalSetup]
    public void Setup()
    {
        _document = Documents.For(Sessions);
        FeedFormats.TryFromExtension(Format, out var format);
        _writer = FeedWriters.For(format);
    }

    [Benchmark]
    public int Render()
    {
        _buffer.ResetWrittenCount();
        _writer.Write(_document, _buffer);
        return _buffer.WrittenCount;
    }
}

/// <summary>The feed documents the benchmarks render, built the way the server builds them.</summary>
internal static class Documents
{
    /// <summary>The selection clock: before the schedule, so cancelled sessions are still listed.</summary>
    public static readonly Instant Now = Instant.FromUtc(2027, 3, 20, 12, 0);

    public static string EventId(int sessions) => $"bench-{sessions}";

    public static Event Model(int sessions) =>
        EventJsonMapper.ToModel(ScheduleGenerator.Generate(sessions, EventId(sessions)), Now);

    public static FeedDocument For(int sessions)
    {
        var schedule = Model(sessions);
        return new FeedDocument
        {
            Event = schedule,
            Sessions = FeedSelection.Select(schedule, new SelectionPolicy(), Now),
            SelfUrl = new Uri($"http://127.0.0.1/events/{schedule.Id}.ics"),
            PageUrl = new Uri($"http://127.0.0.1/events/{schedule.Id}"),
            UidDomain = "bench.feedproxy.example",
        };
    }
}
