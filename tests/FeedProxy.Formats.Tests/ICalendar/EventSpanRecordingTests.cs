using System.Buffers;
using System.Text;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Import;
using FeedProxy.Formats.Tests.Json;
using FeedProxy.Formats.Tests.Support;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.ICalendar;

/// <summary>
/// The writer notes where each VEVENT lies while it writes (<see cref="ICalendarWriter.WriteRecording"/>),
/// so a CalDAV index splits a fresh render without reading it. That split must give exactly
/// the objects the reading split gives: the same UIDs in the same order, every object byte
/// for byte (VTIMEZONEs included), the same calendar properties and time zones.
/// </summary>
public sealed class EventSpanRecordingTests(ITestOutputHelper output)
{
    [Fact]
    public void RecordedSplit_EqualsReadSplit_DemoEvent()
    {
        var demo = DemoEventFile.Load();
        AssertSameSplit(Document(demo), "demo");
        AssertSameSplit(Document(demo) with { Options = new FeedOptions { TimeMode = TimeMode.Utc } }, "demo utc");
    }

    [Fact]
    public void RecordedSplit_EqualsReadSplit_Samples()
    {
        AssertSameSplit(SampleDocuments.Document(), "sample");
        AssertSameSplit(SampleDocuments.Document(TimeMode.Utc), "sample utc");
        AssertSameSplit(SampleDocuments.Document() with { IsSubscription = false, Sessions = [SampleDocuments.Conference().Sessions[0]] }, "sample single");
        AssertSameSplit(RecurringSamples.Document(FeedFormat.ICalendar), "recurring series with overrides");
        AssertSameSplit(RecurringSamples.Document(FeedFormat.ICalendar, new FeedOptions { TimeMode = TimeMode.Utc }), "recurring utc");
        AssertSameSplit(SampleDocuments.Document() with { Sessions = [] }, "no sessions");
    }

    [Fact]
    public void RecordedSplit_EqualsReadSplit_RandomUnsanitisedSchedules()
    {
        var random = new Random(20261208);
        for (var i = 0; i < 60; i++)
        {
            var document = StreamedICalendarTests.RandomDocument(random, i, sessions: random.Next(0, 25));
            AssertSameSplit(document, $"random {i}");
            AssertSameSplit(document with { Options = new FeedOptions { TimeMode = TimeMode.Utc } }, $"random {i} utc");
        }
    }

    [Theory]
    [InlineData("fosdem-mttcrsp/2026.xml")]
    [InlineData("eventfahrplan/schedule-38c3-20251206.xml")]
    public void RecordedSplit_EqualsReadSplit_RealSchedules_OrSkipsWithoutSharedData(string relative)
    {
        if (!ScheduleData.TryGet(relative, output, out var path))
        {
            return;
        }

        var schedule = ScheduleData.Import(path);
        var objects = AssertSameSplit(Document(schedule), relative);
        AssertSameSplit(Document(schedule) with { Options = new FeedOptions { TimeMode = TimeMode.Utc } }, relative + " utc");
        output.WriteLine($"{relative}: {objects} objects, byte-identical");
    }

    [Fact]
    public void Spans_CoverEachVEventFromBeginToEnd()
    {
        var output = new ArrayBufferWriter<byte>();
        var spans = ICalendarWriter.WriteRecording(RecurringSamples.Document(FeedFormat.ICalendar), output);
        var feed = output.WrittenMemory;
        Assert.NotEmpty(spans);
        Assert.All(spans, span =>
        {
            var text = Encoding.UTF8.GetString(feed.Span[span.Start..span.End]);
            Assert.StartsWith("BEGIN:VEVENT\r\n", text, StringComparison.Ordinal);
            Assert.EndsWith("END:VEVENT\r\n", text, StringComparison.Ordinal);
            Assert.StartsWith("UID", Encoding.UTF8.GetString(feed.Span[span.UidLine..span.End]), StringComparison.Ordinal);
        });
    }

    private static FeedDocument Document(Event schedule) => new()
    {
        Event = schedule,
        Sessions = schedule.Sessions,
        SelfUrl = new Uri($"https://feeds.example.org/events/{schedule.Id}.ics"),
        UidDomain = "feeds.example.org",
    };

    private static int AssertSameSplit(FeedDocument document, string label)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var spans = ICalendarWriter.WriteRecording(document, buffer);
        var feed = buffer.WrittenSpan.ToArray();
        Assert.True(feed.AsSpan().SequenceEqual(FeedWriters.Render(document, FeedFormat.ICalendar)), $"{label}: recording changed the bytes");
        var read = CalendarObjectSplitter.Plan(feed);
        var recorded = CalendarObjectSplitter.Plan(feed, spans);
        Assert.Equal(read.Objects.Select(o => o.Uid), recorded.Objects.Select(o => o.Uid));
        for (var i = 0; i < read.Objects.Count; i++)
        {
            var expected = new byte[read.Objects[i].Length];
            read.Objects[i].CopyTo(feed, expected);
            var actual = new byte[recorded.Objects[i].Length];
            recorded.Objects[i].CopyTo(feed, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{label}: object {read.Objects[i].Uid} differs");
        }

        Assert.Equal(read.Properties.OrderBy(p => p.Key, StringComparer.Ordinal), recorded.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(read.TimeZones.Keys.Order(StringComparer.Ordinal), recorded.TimeZones.Keys.Order(StringComparer.Ordinal));
        Assert.All(read.TimeZones, zone => Assert.True(zone.Value.Span.SequenceEqual(recorded.TimeZones[zone.Key].Span), $"{label}: zone {zone.Key} differs"));
        return read.Objects.Count;
    }
}
