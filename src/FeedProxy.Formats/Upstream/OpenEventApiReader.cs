using System.Text.Json;
using System.Text.Json.Nodes;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Upstream;

/// <summary>
/// Reads an Open Event Server v1 event through its JSON:API (<c>/v1/events/{identifier}</c> and
/// <c>/v1/events/{identifier}/sessions?include=…</c>, paged). Only accepted and confirmed sessions
/// with a start and an end are taken, whatever the server returned (the session list does not
/// filter by state itself); soft-deleted ones (<c>deleted-at</c>) never. Resources are joined
/// through their relationships and <c>included</c> and handed to <see cref="OpenEventImporter"/>,
/// so text, URL, colour and id rules are the export's. Speaker e-mail and phone are never copied.
/// </summary>
public static class OpenEventApiReader
{
    /// <summary>Sessions asked for per page.</summary>
    public const int PageSize = 100;

    /// <summary>Pages read at most (100 × 200 sessions is far beyond any real event).</summary>
    public const int MaxPages = 200;

    private static readonly string[] SpeakerFields = ["name", "organisation", "position"];

    /// <summary>
    /// The event document's URL as Open Event Server routes it: without a trailing slash (its
    /// Flask routes answer 404 to <c>…/events/{identifier}/</c>), query and fragment kept.
    /// </summary>
    public static Uri EventUrl(Uri declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        var path = declared.AbsolutePath;
        if (path.Length <= 1 || !path.EndsWith('/'))
        {
            return declared;
        }

        var builder = new UriBuilder(declared) { Path = path.TrimEnd('/') };
        return builder.Uri;
    }

    /// <summary>
    /// A sessions page for an event URL (…/v1/events/{identifier}). Sorted by id: without a
    /// <c>sort</c> the server's list query has no ORDER BY (flask-rest-jsonapi), and PostgreSQL
    /// returns an updated row in a new place, so an edit between two page reads would move a
    /// session across the page boundary, read twice or never.
    /// </summary>
    public static Uri SessionsUrl(Uri eventUrl, int page)
    {
        ArgumentNullException.ThrowIfNull(eventUrl);
        var filter = Uri.EscapeDataString("""[{"name":"state","op":"in","val":["accepted","confirmed"]},{"name":"starts-at","op":"ne","val":null},{"name":"ends-at","op":"ne","val":null}]""");
        var path = eventUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/sessions";
        return new Uri($"{path}?include=speakers,microlocation,track,session-type&filter={filter}&sort=id&page%5Bsize%5D={PageSize}&page%5Bnumber%5D={page}");
    }

    /// <summary>True when a sessions page says more follow (a <c>links.next</c>, or a full page without links).</summary>
    public static bool HasNextPage(ReadOnlySpan<byte> page) => Describe(page).HasNext;

    /// <summary>
    /// What a sessions page says about the list: the ids it carries, the total the server
    /// counted (<c>meta.count</c>, JSON:API's usual place for it), and whether more pages follow
    /// (a <c>links.next</c>, absolute or relative, or a full page without links).
    /// </summary>
    public static SessionsPage Describe(ReadOnlySpan<byte> page)
    {
        try
        {
            using var document = JsonDocument.Parse(page.ToArray(), new JsonDocumentOptions { MaxDepth = UpstreamLimits.MaxDepth });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new SessionsPage([], null, false);
            }

            var ids = new List<string>();
            var hasData = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array;
            if (hasData)
            {
                foreach (var resource in data.EnumerateArray())
                {
                    if (resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("id", out var id)
                        && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        ids.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText());
                    }
                }
            }

            long? count = root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty("count", out var total) && total.ValueKind == JsonValueKind.Number && total.TryGetInt64(out var n)
                ? n
                : null;
            bool hasNext;
            if (root.TryGetProperty("links", out var links) && links.ValueKind == JsonValueKind.Object)
            {
                hasNext = links.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(next.GetString())
                    && !(links.TryGetProperty("self", out var self) && self.ValueKind == JsonValueKind.String && self.GetString() == next.GetString());
            }
            else
            {
                hasNext = hasData && data.GetArrayLength() >= PageSize;
            }

            return new SessionsPage(ids, count, hasNext);
        }
        catch (JsonException)
        {
            return new SessionsPage([], null, false);
        }
    }

    /// <exception cref="ImportException">Not a JSON:API event document, or a malformed page.</exception>
    public static Event Read(ReadOnlySpan<byte> eventDocument, IReadOnlyList<byte[]> sessionPages, UpstreamReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(sessionPages);
        ArgumentNullException.ThrowIfNull(options);
        var eventNode = Parse(eventDocument, "event");
        var data = eventNode["data"] as JsonObject ?? throw new ImportException("Not a JSON:API event document: no 'data' object.", "data");
        var eventJson = Attributes(data);
        eventJson["identifier"] ??= data["id"]?.DeepClone();

        // A session read twice (pages that shifted while they were read) counts once, as last
        // read: the later page is the fresher one.
        var latest = new Dictionary<string, (JsonObject Resource, Dictionary<(string, string), JsonObject> Included)>(StringComparer.Ordinal);
        var order = new List<string>();
        var index = 0;
        foreach (var bytes in sessionPages)
        {
            var page = Parse(bytes, $"sessions page {++index}");
            var included = new Dictionary<(string, string), JsonObject>();
            foreach (var resource in (page["included"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (resource["type"]?.GetValue<string>() is { } type && Id(resource) is { } id)
                {
                    included[(Singular(type), id)] = resource;
                }
            }

            foreach (var resource in (page["data"] as JsonArray ?? throw new ImportException("A sessions page has no 'data' list.", "data")).OfType<JsonObject>())
            {
                if (Id(resource) is not { } id || (!latest.ContainsKey(id) && order.Count >= UpstreamLimits.MaxItems))
                {
                    continue;
                }

                if (!latest.ContainsKey(id))
                {
                    order.Add(id);
                }

                latest[id] = (resource, included);
            }
        }

        var sessions = new JsonArray();
        foreach (var id in order)
        {
            var (resource, included) = latest[id];
            var session = Attributes(resource);
            var state = session["state"]?.ToString();
            if (state is not ("accepted" or "confirmed") || !string.IsNullOrEmpty(session["deleted-at"]?.ToString())
                || string.IsNullOrEmpty(session["starts-at"]?.ToString()) || string.IsNullOrEmpty(session["ends-at"]?.ToString()))
            {
                continue;
            }

            session["id"] = id;
            session["track"] = Related(resource, "track", included, ["name", "color"]);
            session["microlocation"] = Related(resource, "microlocation", included, ["name", "floor", "latitude", "longitude"]);
            session["session-type"] = Related(resource, "session-type", included, ["name"]);
            var speakers = new JsonArray();
            foreach (var link in Links(resource, "speakers"))
            {
                if (included.TryGetValue(("speaker", link), out var speaker) && Attributes(speaker) is var attributes
                    && string.IsNullOrEmpty(attributes["deleted-at"]?.ToString()))
                {
                    var copy = new JsonObject { ["id"] = link };
                    foreach (var field in SpeakerFields)
                    {
                        copy[field] = attributes[field]?.DeepClone();
                    }

                    speakers.Add(copy);
                }
            }

            session["speakers"] = speakers;
            session.Remove("email");
            sessions.Add(session);
        }

        var combined = new JsonObject { ["event"] = eventJson, ["sessions"] = sessions };
        var importOptions = new ImportOptions { EventId = options.EventId, TimeZone = options.TimeZone, ImportedAt = options.ReadAt };
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(combined));
        var imported = new OpenEventImporter().Import(stream, importOptions);
        return imported with { Sessions = [.. imported.Sessions.OrderBy(s => s.Start).ThenBy(s => s.Id, StringComparer.Ordinal)] };
    }

    private static JsonObject Parse(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = UpstreamLimits.MaxDepth }) as JsonObject
                ?? throw new ImportException($"The {what} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ImportException($"The {what} is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonObject Attributes(JsonObject resource) =>
        resource["attributes"] is JsonObject attributes ? (JsonObject)attributes.DeepClone() : [];

    private static string? Id(JsonObject resource) => resource["id"] is JsonValue v ? v.ToString() : null;

    private static IEnumerable<string> Links(JsonObject resource, string relationship)
    {
        var data = resource["relationships"]?[relationship]?["data"];
        var items = data switch
        {
            JsonArray array => array.ToList(),
            JsonObject single => [single],
            _ => new List<JsonNode?>(),
        };
        return items.OfType<JsonObject>().Select(Id).Where(i => i is not null).Select(i => i!);
    }

    private static JsonObject? Related(JsonObject resource, string relationship, Dictionary<(string, string), JsonObject> included, string[] fields)
    {
        var id = Links(resource, relationship).FirstOrDefault();
        if (id is null || !included.TryGetValue((Singular(relationship), id), out var related))
        {
            return null;
        }

        var attributes = Attributes(related);
        if (!string.IsNullOrEmpty(attributes["deleted-at"]?.ToString()))
        {
            // The server includes soft-deleted related resources; a deleted room or track is gone.
            return null;
        }

        var copy = new JsonObject { ["id"] = id };
        foreach (var field in fields)
        {
            copy[field] = attributes[field]?.DeepClone();
        }

        return copy;
    }

    /// <summary>JSON:API type names are plural on some servers ("speakers", "session-types").</summary>
    private static string Singular(string type) => type switch
    {
        "speakers" => "speaker",
        "tracks" => "track",
        "microlocations" => "microlocation",
        "session-types" or "session_type" or "session_types" => "session-type",
        "sessions" => "session",
        _ => type,
    };
}

/// <summary>One sessions page as <see cref="OpenEventApiReader.Describe"/> reads it.</summary>
/// <param name="Ids">Ids of the sessions on the page, in page order.</param>
/// <param name="Count">The total the server counted (<c>meta.count</c>), when it said.</param>
/// <param name="HasNext">More pages follow.</param>
public sealed record SessionsPage(IReadOnlyList<string> Ids, long? Count, bool HasNext);
