using System.Buffers;
using BenchmarkDotNet.Attributes;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Model;

namespace FeedProxy.Benchmarks;

/// <summary>
/// The .ics render of a cache miss, old and new in the same run: the reference path (the
/// calendar tree, then its text) against the writer the server uses, and the whole miss
/// from the loaded model (visibility, selection, document, write) as EventFeedKind does it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class IcsRenderBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4 << 20);
    private FeedDocument _document = null!;
    private Event _schedule = null!;

    [Params(1_000)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _document = Documents.For(Sessions);
        _schedule = _document.Event;
    }

    [Benchmark(Baseline = true, Description = "tree (reference)")]
    public int Tree()
    {
        _buffer.ResetWrittenCount();
        ICalendarReference.Write(_document, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "writer")]
    public int Writer()
    {
        _buffer.ResetWrittenCount();
        FeedWriters.For(FeedFormat.ICalendar).Write(_document, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "select + writer")]
    public int SelectAndWrite()
    {
        // What EventFeedKind.RenderAsync does per miss after the load (no filter).
        var policy = new SelectionPolicy();
        _ = FeedSelection.Visible(_schedule, policy, Documents.Now);
        var document = _document with { Sessions = FeedSelection.Select(_schedule, policy, Documents.Now) };
        _buffer.ResetWrittenCount();
        FeedWriters.For(FeedFormat.ICalendar).Write(document, _buffer);
        return _buffer.WrittenCount;
    }
}
