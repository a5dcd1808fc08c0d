using System.Buffers;
using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

/// <summary>
/// Feeds stream iCalendar text from the model (no calendar tree); xCal and jCal still
/// serialise the tree. Both come from one builder, and here every corpus proves that the
/// streamed bytes are the bytes of the tree's text (<see cref="ICalendarReference"/>), in
/// every variant a feed is served in. No validators: this needs no fixture.
/// </summary>
public sealed class StreamedICalendarTests(ITestOutputHelper output)
{
    [Fact]
    public void Streamed_EqualsTree_DemoAndRecurring() => AssertSame([.. DemoCorpus.Load(), .. RecurringCorpus.Load()], "demo and recurring");

    [Fact]
    public void Streamed_EqualsTree_GeneratedHostileSchedules() => AssertSame(AdversarialScheduleGenerator.Generate(), "generated");

    [Fact]
    public void Streamed_EqualsTree_RealSchedules()
    {
        var real = RealScheduleCorpus.Load();
        if (real.Count == 0)
        {
            output.WriteLine("SKIPPED: ../shared/data (the real schedules) is absent in this checkout; nothing to compare.");
            return;
        }

        AssertSame(real, "real");
    }

    [Fact]
    public void Streamed_EqualsTree_Collections()
    {
        var members = new List<CorpusDocument>([.. DemoCorpus.Load(), .. AdversarialScheduleGenerator.Generate(60), .. RealScheduleCorpus.Load().Take(2)]);
        AssertSame(CollectionCorpus.Build(members), "collection");
    }

    private void AssertSame(IReadOnlyList<CorpusDocument> documents, string corpus)
    {
        Assert.NotEmpty(documents);
        var renders = 0;
        long octets = 0;
        foreach (var document in documents)
        {
            foreach (var (variant, feed) in Variants(document))
            {
                var reference = new ArrayBufferWriter<byte>();
                ICalendarReference.Write(feed, reference);
                var streamed = FeedWriters.Render(feed, FeedFormat.ICalendar);
                if (!reference.WrittenSpan.SequenceEqual(streamed))
                {
                    var at = reference.WrittenSpan.CommonPrefixLength(streamed);
                    var context = System.Text.Encoding.UTF8.GetString(reference.WrittenSpan[Math.Max(0, at - 120)..Math.Min(reference.WrittenCount, at + 40)]);
                    Assert.Fail($"{document.Name} ({variant}): streamed .ics differs from the tree's at octet {at} of {reference.WrittenCount}, after:\n{context}");
                }

                renders++;
                octets += streamed.Length;
            }
        }

        output.WriteLine($"{corpus}: {documents.Count} documents, {renders} renders, {octets:N0} octets, streamed = tree in every one.");
    }

    /// <summary>The iCalendar variants feeds are served in: event zone with series, UTC with occurrences, a filtered feed, a single-session download.</summary>
    private static IEnumerable<(string Variant, FeedDocument Document)> Variants(CorpusDocument document)
    {
        var zoned = document.For(FeedFormat.ICalendar, FeedOptions.Default);
        yield return ("event zone", zoned);
        var utc = new FeedOptions { TimeMode = TimeMode.Utc };
        yield return ("utc", document.For(FeedFormat.ICalendar, utc) with { Options = utc });
        yield return ("filtered", zoned with { Subtitle = "Track: Security; Privacy, \"quoted\" \\ 🦀", RefreshInterval = NodaTime.Duration.FromMinutes(90) });
        if (zoned.Sessions.Count > 0)
        {
            yield return ("single session", zoned with { Sessions = [zoned.Sessions[^1]], IsSubscription = false });
        }
    }
}
