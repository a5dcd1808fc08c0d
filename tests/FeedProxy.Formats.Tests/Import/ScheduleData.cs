using System.Text.Encodings.Web;
using System.Text.Json;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Import;

/// <summary>
/// Locates the real schedule files (third-party content, never committed): from the test
/// binary walk up to the folder holding FeedProxy.sln, then ../shared/data. Tests that need a
/// file call <see cref="TryGet"/> and return early, after saying so, when it is absent.
/// </summary>
internal static class ScheduleData
{
    public static string? Root { get; } = Find();

    public static readonly Instant ImportedAt = Instant.FromUtc(2026, 1, 2, 3, 4, 5);

    public static bool TryGet(string relative, ITestOutputHelper output, out string path)
    {
        path = Root is null ? string.Empty : Path.Combine(Root, relative);
        if (Root is not null && (File.Exists(path) || Directory.Exists(path)))
        {
            return true;
        }

        output.WriteLine($"SKIPPED: real schedule data '{relative}' not found (expected under ../shared/data next to the repository). Nothing was checked.");
        return false;
    }

    /// <summary>
    /// The first element named <paramref name="name"/> whose attribute <paramref name="attribute"/>
    /// is <paramref name="value"/>: lets tests compare with the source's own text instead of
    /// committing third-party titles and names.
    /// </summary>
    public static System.Xml.Linq.XElement XmlElement(string path, string name, string attribute, string value) =>
        System.Xml.Linq.XDocument.Load(path).Descendants(name).First(e => (string?)e.Attribute(attribute) == value);

    /// <summary>The source's text of a child element, cleaned the way names are.</summary>
    public static string? XmlText(System.Xml.Linq.XElement parent, string child) =>
        FeedProxy.Formats.Text.TextSanitizer.Line(parent.Element(child)?.Value);

    /// <summary>A JSON file's root, parsed (for reading expected values at test time).</summary>
    public static JsonElement JsonRoot(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone();

    /// <summary>The model as JSON with nothing escaped, so '@' and non-ASCII appear literally for greps.</summary>
    public static string Serialize(Event model) => JsonSerializer.Serialize(model, Relaxed);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Event Import(string path, string? timeZone = null)
    {
        var options = new ImportOptions { TimeZone = timeZone, ImportedAt = ImportedAt };
        if (Directory.Exists(path))
        {
            return OpenEventImporter.ImportDirectory(path, options);
        }

        using var stream = File.OpenRead(path);
        return ScheduleImporters.Import(stream, null, options);
    }

    private static string? Find() => FeedProxy.Testing.RepositoryPaths.SharedData;
}

/// <summary>
/// Imports each real file at most twice per test class (the second import checks that ids are
/// stable), so the big schedules are parsed once per class, not once per test.
/// </summary>
public sealed class RealScheduleFixture
{
    private readonly Dictionary<string, (Event First, Event Second)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    internal (Event First, Event Second) Get(string path, string? timeZone)
    {
        var key = path + "|" + timeZone;
        lock (_lock)
        {
            if (!_cache.TryGetValue(key, out var pair))
            {
                _cache[key] = pair = (ScheduleData.Import(path, timeZone), ScheduleData.Import(path, timeZone));
            }

            return pair;
        }
    }
}
