using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

/// <summary>Every .ics (event-zone and UTC mode) read by four independent parsers.</summary>
[Collection(ConformanceGroup.Name)]
public sealed class ICalendarConformanceTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task PythonIcalendar_ReadsEverySessionWithoutErrors(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.PythonIcalendar, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task Vobject_ReadsEverySessionWithoutErrors(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.Vobject, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task Libical_ReadsEverySessionWithoutErrors(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.Libical, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task IcalJs_ReadsEverySessionWithoutErrors(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.IcalJs, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task ContentLines_FollowRfc5545Section3_1(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.ContentLines, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task AllFourParsers_CountEverySessionAsOneVevent(string corpus) =>
        Verdict.AssertCalendarParsersAgreeAsync(fixture, corpus, output);
}
