using System.Diagnostics;
using FeedProxy.Conformance.Tests.Corpus;

namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>
/// Renders all corpora once and starts every validator once over the whole batch, all
/// validators at the same time (the expensive part is interpreter start-up and parsing;
/// one process per validator keeps the suite within minutes). Tests only read results.
/// Set FEEDPROXY_CONFORMANCE_KEEP=1 to keep the rendered folder for inspection.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private readonly Dictionary<Validator, Task<ValidatorRun>> runs = [];

    internal FeedBatch Batch { get; private set; } = null!;

    internal GeneratorStatistics Statistics { get; } = new();

    internal TimeSpan CorpusTime { get; private set; }

    internal TimeSpan RenderTime { get; private set; }

    internal static bool KeepOutput => Environment.GetEnvironmentVariable("FEEDPROXY_CONFORMANCE_KEEP") == "1";

    /// <summary>Corpora that could not be built, with the reason; their tests fail with it.</summary>
    internal Dictionary<string, string> LoadFailures { get; } = new(StringComparer.Ordinal);

    internal Task<ValidatorRun> Run(Validator validator) => runs[validator];

    public Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var documents = new List<CorpusDocument>();
        Load(CorpusKinds.Demo, () => [.. DemoCorpus.Load(), .. RecurringCorpus.Load()], documents);
        Load(CorpusKinds.Generated, () => AdversarialScheduleGenerator.Generate(statistics: Statistics), documents);
        Load(CorpusKinds.Real, RealScheduleCorpus.Load, documents);
        var members = documents.ToList();
        Load(CorpusKinds.Collection, () => CollectionCorpus.Build(members), documents);
        CorpusTime = stopwatch.Elapsed;

        stopwatch.Restart();
        var directory = Path.Combine(Path.GetTempPath(), $"feedproxy-conformance-{Guid.NewGuid():N}");
        Batch = FeedBatch.Render(directory, documents);
        RenderTime = stopwatch.Elapsed;

        foreach (var validator in Enum.GetValues<Validator>())
        {
            runs[validator] = Task.Run(() => Validators.RunAsync(validator, Batch.ManifestPath));
        }

        return Task.CompletedTask;
    }

    // A corpus that cannot be read (an invalid demo.json, an importer that throws) fails
    // its own tests and leaves the others running.
    private void Load(string kind, Func<IReadOnlyList<CorpusDocument>> load, List<CorpusDocument> into)
    {
        try
        {
            into.AddRange(load());
        }
#pragma warning disable CA1031 // reported by every test of that corpus
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LoadFailures[kind] = $"{exception.GetType().Name}: {exception.Message}";
        }
    }

    public async Task DisposeAsync()
    {
        // Let every process end before its input goes away.
        await Task.WhenAll(runs.Values);
        if (!KeepOutput && Batch is not null && Directory.Exists(Batch.Directory))
        {
            Directory.Delete(Batch.Directory, recursive: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConformanceGroup : ICollectionFixture<ConformanceFixture>
{
    public const string Name = "Conformance";
}
