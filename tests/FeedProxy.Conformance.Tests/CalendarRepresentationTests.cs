using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

/// <summary>jCal and both xCal dialects say what the .ics says.</summary>
[Collection(ConformanceGroup.Name)]
public sealed class CalendarRepresentationTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task JCal_ReadByIcalJs_MatchesTheICalendarFeed(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.IcalJsJCal, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task XCal_Rfc6321ConvertedToICalendar_MatchesTheICalendarFeed(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.XCal, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task XCal_PentabarfDialect_HasWhatGiggityReads(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.Pentabarf, output);
}
