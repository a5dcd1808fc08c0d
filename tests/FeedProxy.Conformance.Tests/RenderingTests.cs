using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Conformance.Tests.Harness;
using Xunit.Abstractions;

namespace FeedProxy.Conformance.Tests;

[Collection(ConformanceGroup.Name)]
public sealed class RenderingTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(CorpusKinds.All), MemberType = typeof(CorpusKinds))]
    public void Render_EveryDocumentRendersInEveryVariant(string corpus)
    {
        if (!Verdict.HasDocuments(fixture, corpus, output))
        {
            return;
        }

        var all = FeedVariant.All.Select(v => v.ManifestFormat).ToArray();
        var problems = Verdict.RenderProblems(fixture, corpus, all);
        var documents = fixture.Batch.DocumentCounts[corpus];
        Verdict.Report(fixture, "rendering", problems, Verdict.RenderFailureCount(fixture, corpus, all), documents * FeedVariant.All.Count);
        output.WriteLine($"{documents} {corpus} documents x {FeedVariant.All.Count} variants rendered; corpus built in {fixture.CorpusTime.TotalSeconds:F1} s, rendered in {fixture.RenderTime.TotalSeconds:F1} s.");
    }
}
