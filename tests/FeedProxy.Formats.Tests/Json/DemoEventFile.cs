using System.Text.Json;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Tests.Json;

/// <summary>
/// config/events/demo.json, found by walking up from the test binaries to the folder that
/// holds FeedProxy.sln (so the tests read the committed file, not a copy).
/// </summary>
internal static class DemoEventFile
{
    private static readonly Lazy<string> LazyPath = new(Locate);
    private static readonly Lazy<EventJson> LazyJson = new(() => Deserialize(File.ReadAllBytes(Path)));

    /// <summary>Used as fallback lastModified; the demo file sets its own everywhere.</summary>
    public static readonly Instant NoFallback = Instant.FromUtc(2000, 1, 1, 0, 0);

    public static string Path => LazyPath.Value;

    /// <summary>The raw document (a fresh copy each time is not needed: tests only read it).</summary>
    public static EventJson Json => LazyJson.Value;

    public static Event Load() => EventJsonMapper.ToModel(Json, NoFallback, "demo");

    public static EventJson Deserialize(byte[] utf8) =>
        JsonSerializer.Deserialize(utf8, EventJsonContext.Default.EventJson)
        ?? throw new InvalidDataException("config/events/demo.json is the JSON literal null.");

    private static string Locate() => FeedProxy.Testing.RepositoryPaths.DemoEvent;
}
