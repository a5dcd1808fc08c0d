using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

/// <summary>RSS, Atom (standard and campus profile) and the XML of xCal.</summary>
[Collection(ConformanceGroup.Name)]
public sealed class SyndicationConformanceTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task Xml_EveryXmlFeedIsWellFormedUtf8(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.Xml, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task Feedparser_ReadsEveryItemWithoutBozo(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.Feedparser, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task StandardProfile_FollowsRss2AndRfc4287Rules(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.FeedRules, output);

    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public Task CampusProfile_ReferenceConsumerSeesEverySessionExactly(string corpus) =>
        Verdict.AssertCheckAsync(fixture, corpus, Check.Campus, output);
}
