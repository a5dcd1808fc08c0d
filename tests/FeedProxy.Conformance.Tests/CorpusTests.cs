using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

/// <summary>The generated corpus is what it claims to be: deterministic, large, and hostile where it matters.</summary>
[Collection(ConformanceGroup.Name)]
public sealed class CorpusTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void GeneratedCorpus_IsDeterministic()
    {
        var first = AdversarialScheduleGenerator.Generate(40);
        var second = AdversarialScheduleGenerator.Generate(40);
        Assert.Equal(first.Select(Fingerprint), second.Select(Fingerprint));
    }

    [Fact]
    public void GeneratedCorpus_CoversEveryZoneAndDstGapsAndOverlaps()
    {
        var statistics = fixture.Statistics;
        // python3-icalendar's times are resolved with the system tzdata, the model's with
        // NodaTime's; a version gap shows up as offset mismatches in zones that changed.
        output.WriteLine($"NodaTime {DateTimeZoneProviders.Tzdb.VersionId}");
        output.WriteLine(AdversarialScheduleGenerator.Describe(statistics));
        output.WriteLine($"{statistics.SelectedSessions} sessions in feeds, {statistics.HiddenSessions} hidden by selection, {statistics.LongAbstracts} 10,000-character abstracts, {statistics.EmptySchedules} empty feeds.");
        Assert.True(fixture.Batch.DocumentCounts[CorpusKinds.Generated] >= 500);
        Assert.Equal(AdversarialScheduleGenerator.Zones.Length, statistics.Zones.Count);
        foreach (var timing in Enum.GetValues<SessionTiming>())
        {
            Assert.True(statistics.Timings.GetValueOrDefault(timing) >= 20, $"only {statistics.Timings.GetValueOrDefault(timing)} sessions of kind {timing}");
        }

        Assert.True(statistics.LongAbstracts >= 50);
        Assert.True(statistics.EmptySchedules >= 5);
        Assert.True(statistics.HiddenSessions >= 100);
    }

    private static string Fingerprint(CorpusDocument document) =>
        string.Join('|', document.Document.Sessions.Select(s => $"{s.Id}:{s.Title}:{s.Start}:{s.End}:{s.Abstract?.Length}"))
        + document.Document.Event.Name + document.Document.Event.TimeZone;
}
