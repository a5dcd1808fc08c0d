using FeedProxy.Conformance.Tests.Harness;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>
/// Real conference schedules (FOSDEM and CCC frab/pentabarf XML, c3voc/pretalx schedule
/// JSON, FOSSASIA Open Event exports) read from the shared data folder beside the
/// repository through the same importers the server uses. Their text is third-party
/// material, so it is read at test time from <see cref="RepositoryLayout.SharedDataDirectory"/>
/// and never copied into the repository; when the folder is absent this corpus is empty and
/// its tests say so.
/// </summary>
internal static class RealScheduleCorpus
{
    // Schedules that state no time zone (FOSDEM 2007 and 2020 give bare local times).
    private const string FallbackZone = "Europe/Brussels";

    public static IReadOnlyList<CorpusDocument> Load()
    {
        var root = RepositoryLayout.SharedDataDirectory;
        if (root is null)
        {
            return [];
        }

        var documents = new List<CorpusDocument>();
        void Add(string name, Func<ImportOptions, Event> read)
        {
            var schedule = read(new ImportOptions { EventId = name, TimeZone = FallbackZone, ImportedAt = CorpusDocument.Now });
            documents.Add(CorpusDocument.Create(CorpusKinds.Real, name, schedule));
        }

        Event FromFile(string path, string contentType, ImportOptions options)
        {
            using var stream = File.OpenRead(path);
            return ScheduleImporters.Import(stream, contentType, options);
        }

        foreach (var folder in new[] { "fosdem-mttcrsp", "eventfahrplan", "ccc-31c3-FelixU" })
        {
            foreach (var path in Files(Path.Combine(root, folder), "*.xml"))
            {
                Add($"{folder}-{Path.GetFileNameWithoutExtension(path)}".ToLowerInvariant(), o => FromFile(path, "application/xml", o));
            }
        }

        // Schedule JSON examples (invalid-example.json is, by its name, not a schedule).
        foreach (var path in Files(Path.Combine(root, "voc-schedule", "json", "examples"), "*.json")
            .Where(p => !Path.GetFileName(p).StartsWith("invalid", StringComparison.Ordinal)))
        {
            Add("voc-" + Path.GetFileNameWithoutExtension(path).ToLowerInvariant(), o => FromFile(path, "application/json", o));
        }

        var openEvent = Path.Combine(root, "fossasia-open-event");
        if (Directory.Exists(openEvent))
        {
            foreach (var folder in Directory.GetDirectories(openEvent).Order(StringComparer.Ordinal))
            {
                Add("openevent-" + Path.GetFileName(folder).ToLowerInvariant(), o => OpenEventImporter.ImportDirectory(folder, o));
            }
        }

        return documents;
    }

    private static IEnumerable<string> Files(string folder, string pattern) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal) : [];
}
