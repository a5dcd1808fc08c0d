using System.Text.Json;
using FeedProxy.Conformance.Tests.Harness;
using FeedProxy.Formats.Json;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>The demo event shipped in config/events/demo.json, read as the file store reads it.</summary>
internal static class DemoCorpus
{
    public static IReadOnlyList<CorpusDocument> Load()
    {
        var path = RepositoryLayout.DemoEventFile;
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = File.OpenRead(path);
        var json = JsonSerializer.Deserialize(stream, EventJsonContext.Default.EventJson)
            ?? throw new InvalidDataException($"{path} holds no event.");
        var schedule = EventJsonMapper.ToModel(json, CorpusDocument.Now, Path.GetFileNameWithoutExtension(path));
        return [CorpusDocument.Create(CorpusKinds.Demo, "demo", schedule)];
    }
}
