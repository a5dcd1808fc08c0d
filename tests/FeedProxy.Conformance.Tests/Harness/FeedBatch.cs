using System.Text.Json;
using FeedProxy.Conformance.Tests.Corpus;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>One rendered file as the validators see it.</summary>
/// <param name="Items">Items the file must hold: VEVENTs (a series and each override count once) or feed items.</param>
internal sealed record RenderedFeed(string Id, string Kind, CorpusDocument Source, FeedVariant Variant, string RelativePath, int Items);

/// <summary>A document that failed to render in a variant.</summary>
internal sealed record RenderFailure(string Kind, string Document, string Variant, string Message);

/// <summary>
/// Renders every corpus document in every variant into one folder, with one manifest for
/// all validators and one expectation sidecar per document (tests/conformance/README.md
/// describes both formats).
/// </summary>
internal sealed class FeedBatch
{
    public const string ManifestName = "manifest.json";

    private static readonly LocalDateTimePattern LocalSeconds = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss");
    private static readonly InstantPattern UtcSeconds = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'");

    private FeedBatch(string directory, IReadOnlyList<RenderedFeed> feeds, IReadOnlyList<RenderFailure> failures, IReadOnlyDictionary<string, int> documentCounts)
    {
        Directory = directory;
        Feeds = feeds;
        Failures = failures;
        DocumentCounts = documentCounts;
    }

    public string Directory { get; }

    public string ManifestPath => Path.Combine(Directory, ManifestName);

    public IReadOnlyList<RenderedFeed> Feeds { get; }

    public IReadOnlyList<RenderFailure> Failures { get; }

    /// <summary>Documents per corpus kind.</summary>
    public IReadOnlyDictionary<string, int> DocumentCounts { get; }

    public static FeedBatch Render(string directory, IEnumerable<CorpusDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        System.IO.Directory.CreateDirectory(directory);
        var feeds = new List<RenderedFeed>();
        var failures = new List<RenderFailure>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in documents)
        {
            counts[source.Kind] = counts.GetValueOrDefault(source.Kind) + 1;
            var folder = $"{source.Kind}/{source.Name}";
            if (!names.Add(folder))
            {
                throw new InvalidOperationException($"Two corpus documents are named {folder}.");
            }

            System.IO.Directory.CreateDirectory(Path.Combine(directory, folder));
            WriteExpected(Path.Combine(directory, folder, "expected.json"), source.Expanded);
            foreach (var variant in FeedVariant.All)
            {
                if (!variant.GeneratedCorpus && source.Kind == CorpusKinds.Generated)
                {
                    continue;
                }

                var document = source.For(variant.Format, variant.Options) with
                {
                    Options = variant.Options,
                    SelfUrl = new Uri($"https://{CorpusDocument.UidDomain}/events/{source.Document.Event.Id}.{variant.Format.Extension()}{variant.Query}"),
                };
                byte[] bytes;
                try
                {
                    bytes = FeedWriters.Render(document, variant.Format);
                }
#pragma warning disable CA1031 // every failure is recorded and reported by the tests
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    failures.Add(new RenderFailure(source.Kind, source.Name, variant.Name, $"{exception.GetType().Name}: {exception.Message}"));
                    continue;
                }

                var relative = $"{folder}/{variant.FileName}";
                File.WriteAllBytes(Path.Combine(directory, relative), bytes);
                var items = document.Sessions.Sum(s => 1 + (s.Recurrence?.Overrides.Count ?? 0));
                feeds.Add(new RenderedFeed($"{folder}/{variant.Name}", source.Kind, source, variant, relative, items));
            }
        }

        WriteManifest(Path.Combine(directory, ManifestName), feeds);
        return new FeedBatch(directory, feeds, failures, counts);
    }

    private static void WriteManifest(string path, IReadOnlyList<RenderedFeed> feeds)
    {
        var rendered = feeds.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var feed in feeds)
        {
            var folder = $"{feed.Source.Kind}/{feed.Source.Name}";
            json.WriteStartObject();
            json.WriteString("id", feed.Id);
            json.WriteString("path", feed.RelativePath);
            json.WriteString("format", feed.Variant.ManifestFormat);
            json.WriteNumber("sessions", feed.Items);
            json.WriteString("expected", $"{folder}/expected.json");
            json.WriteString("timeZone", feed.Source.Document.Event.TimeZone);
            json.WriteString("timeMode", feed.Variant.TimeModeName);
            // VALARMs every VEVENT not cancelled must carry (RFC 5545 §3.6.6), with their triggers.
            json.WriteNumber("alarms", feed.Variant.Options.Alarms.Count);
            if (feed.Variant.ReferenceVariant is { } reference && rendered.Contains($"{folder}/{reference}"))
            {
                var referenceVariant = FeedVariant.All.Single(v => v.Name == reference);
                json.WriteString("reference", $"{folder}/{referenceVariant.FileName}");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// What every consumer must read back, per session: the facts of the model. Recurring
    /// sessions are listed as their occurrences inside "window"; each names its "series" UID
    /// and "recurrenceId" (original start, UTC), so a reader of a file that keeps the rule
    /// expands it over the window and matches occurrence by occurrence.
    /// </summary>
    private static void WriteExpected(string path, FeedDocument document)
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(document.Event.TimeZone) ?? DateTimeZone.Utc;
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("timeZone", document.Event.TimeZone);
        json.WriteBoolean("subscription", document.IsSubscription);
        json.WriteStartObject("window");
        json.WriteString("start", Utc(CorpusDocument.Window.Start));
        json.WriteString("end", Utc(CorpusDocument.Window.End));
        json.WriteEndObject();
        json.WriteStartArray("sessions");
        foreach (var session in document.Sessions)
        {
            json.WriteStartObject();
            json.WriteString("uid", document.UidOf(session));
            if (session.RecurrenceId is { } recurrenceId)
            {
                // The series' UID is the occurrence's without its start (FeedDocument.UidOf); derived
                // from the text because a collection finds an occurrence's origin event only by the
                // occurrence itself.
                var uid = document.UidOf(session);
                var key = "-" + FeedDocument.OccurrenceKey(session) + "-";
                var at = uid.IndexOf(key, StringComparison.Ordinal);
                json.WriteString("series", uid[..at] + "-" + uid[(at + key.Length)..]);
                json.WriteString("recurrenceId", Utc(recurrenceId));
            }

            json.WriteString("title", session.Title);
            // Formats with no status field (campus feeds, the pentabarf dialect) say it in the
            // title, so a subscriber of those still sees the cancellation.
            json.WriteString("statusTitle", session.State == SessionState.Cancelled ? "Cancelled: " + session.Title : session.Title);
            json.WriteString("start", Utc(session.Start));
            json.WriteString("end", Utc(session.End));
            var sessionZone = zone;
            if (document.Origins is not null)
            {
                // A collection: each session is written in its own event's zone.
                var origin = document.EventOf(session);
                json.WriteString("timeZone", origin.TimeZone);
                sessionZone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(origin.TimeZone) ?? DateTimeZone.Utc;
            }

            WriteLocal(json, "start", session.Start, sessionZone);
            WriteLocal(json, "end", session.End, sessionZone);
            json.WriteString("status", session.State == SessionState.Cancelled ? "CANCELLED" : "CONFIRMED");
            json.WriteString("image", session.ImageUrl);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// The wall time of the instant in the event's zone by the same TZDB the writers use, and
    /// whether "that local time with TZID" means exactly this instant by RFC 5545 §3.3.5
    /// (the first occurrence of a repeated local time). Validators compare local times with
    /// these instead of their own tzdata, which may be another version.
    /// </summary>
    private static void WriteLocal(Utf8JsonWriter json, string name, Instant instant, DateTimeZone zone)
    {
        var seconds = Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());
        var local = seconds.InZone(zone).LocalDateTime;
        var mapping = zone.MapLocal(local);
        json.WriteString(name + "Local", LocalSeconds.Format(local));
        json.WriteBoolean(name + "LocalExact", mapping.Count > 0 && mapping.First().ToInstant() == seconds);
    }

    // Feeds carry whole seconds (RFC 5545 DATE-TIME has no fraction).
    private static string Utc(Instant instant) => UtcSeconds.Format(Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()));
}
