using System.Text.Json.Nodes;

namespace FeedProxy.Testing;

/// <summary>
/// JSON:API responses shaped as an Open Event Server v1 answers them (resources with type, id,
/// attributes and relationships; related resources in "included", soft-deleted ones too; paging
/// links relative to the server; <c>meta.count</c>; instants in UTC as <c>+00:00</c> with
/// microseconds), written here from the server's code: an event and its sessions in every state
/// (an anonymous caller sees them all), one soft-deleted, speakers with an e-mail address that
/// must never come through. Track 5, hall 4 and session type 2 are soft-deleted.
/// </summary>
internal static class OpenEventApiSample
{
    public const string Identifier = "b8324ae2";

    private static readonly string[] States = ["accepted", "confirmed", "rejected", "draft", "pending", "withdrawn", "canceled"];

    /// <summary>How many sessions the sample has (every seventh one public in each state…); <see cref="PublicCount"/> of them public.</summary>
    public static int SessionCount { get; set; } = 150;

    public static int PublicCount(int count) => Enumerable.Range(1, count).Count(i => IsPublic(i));

    public static string EventDocument(string identifier = Identifier, string name = "Open Event Sample Summit") => new JsonObject
    {
        ["data"] = new JsonObject
        {
            ["type"] = "event",
            ["id"] = "17",
            ["attributes"] = new JsonObject
            {
                ["identifier"] = identifier,
                ["name"] = name,
                ["description"] = "<p>Three days of talks. Write to <a href=\"mailto:orga@example.org\">orga@example.org</a>.</p>",
                ["timezone"] = "Asia/Singapore",
                ["starts-at"] = "2027-03-18T01:00:00.000000+00:00",
                ["ends-at"] = "2027-03-20T10:00:00.000000+00:00",
                ["location-name"] = "Science Centre",
                ["state"] = "published",
                ["privacy"] = "public",
                ["paypal-email"] = "money@example.org",
            },
        },
        ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
    }.ToJsonString();

    /// <summary>One page of /sessions; <paramref name="titleSuffix"/> lets a test change every title.</summary>
    public static string SessionsPage(string baseUrl, int number, int size, string titleSuffix = "") =>
        SessionsPage(baseUrl, number, size, [.. Enumerable.Range(1, SessionCount)], _ => titleSuffix);

    /// <summary>
    /// One page of /sessions over <paramref name="rows"/> (session numbers in the order the
    /// server's query returns them); <paramref name="suffix"/> gives each session's title suffix.
    /// </summary>
    public static string SessionsPage(string sessionsUrl, int number, int size, IReadOnlyList<int> rows, Func<int, string> suffix)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(suffix);
        var data = new JsonArray();
        var included = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in rows.Skip((number - 1) * size).Take(size))
        {
            var titleSuffix = suffix(i);
            var state = States[(i - 1) % States.Length];
            var start = new DateTimeOffset(2027, 3, 18 + ((i / 50) % 3), 9, 0, 0, TimeSpan.FromHours(8)).AddMinutes(30 * (i % 16)).ToUniversalTime();
            var speakerId = (1 + (i % 40)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var trackId = (1 + (i % 5)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var roomId = (1 + (i % 4)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var typeId = i % 10 == 0 ? "2" : "1";
            data.Add(new JsonObject
            {
                ["type"] = "session",
                ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["attributes"] = new JsonObject
                {
                    ["title"] = $"Session {i} ({state}){titleSuffix}",
                    ["short-abstract"] = $"About topic {i}.",
                    ["starts-at"] = Instant(start),
                    ["ends-at"] = Instant(start.AddMinutes(25)),
                    ["state"] = state,
                    ["deleted-at"] = i == 8 ? "2027-01-01T00:00:00.000000+00:00" : null,
                    ["language"] = "English",
                    ["last-modified-at"] = "2027-01-02T03:04:05.123456+00:00",
                },
                ["relationships"] = new JsonObject
                {
                    ["speakers"] = new JsonObject { ["data"] = new JsonArray(new JsonObject { ["type"] = "speaker", ["id"] = speakerId }) },
                    ["track"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "track", ["id"] = trackId } },
                    ["microlocation"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "microlocation", ["id"] = roomId } },
                    ["session-type"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "session-type", ["id"] = typeId } },
                },
            });
            Include(included, seen, "speaker", speakerId, new JsonObject
            {
                ["name"] = $"Speaker {speakerId}",
                ["email"] = $"speaker{speakerId}@example.org",
                ["mobile"] = "+65 5555 0000",
                ["organisation"] = "Example Org",
                ["position"] = "Maintainer",
            });
            Include(included, seen, "track", trackId, new JsonObject { ["name"] = $"Track {trackId}", ["color"] = "#3366" + trackId + "9" + trackId, ["deleted-at"] = trackId == "5" ? Deleted : null });
            Include(included, seen, "microlocation", roomId, new JsonObject { ["name"] = $"Hall {roomId}", ["floor"] = 1, ["deleted-at"] = roomId == "4" ? Deleted : null });
            Include(included, seen, "session-type", typeId, new JsonObject { ["name"] = typeId == "2" ? "Lightning" : "Talk", ["length"] = "00:25", ["deleted-at"] = typeId == "2" ? Deleted : null });
        }

        // The server's links are relative to itself (flask-rest-jsonapi builds them from the request path).
        var path = Uri.TryCreate(sessionsUrl, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : sessionsUrl;
        var pages = (rows.Count + size - 1) / size;
        var links = new JsonObject { ["self"] = $"{path}?page%5Bnumber%5D={number}" };
        if (number < pages)
        {
            links["next"] = $"{path}?page%5Bnumber%5D={number + 1}";
        }

        return new JsonObject
        {
            ["data"] = data,
            ["included"] = included,
            ["links"] = links,
            ["meta"] = new JsonObject { ["count"] = rows.Count },
            ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
        }.ToJsonString();
    }

    /// <summary>Whether session <paramref name="i"/> is accepted or confirmed and not deleted.</summary>
    public static bool IsPublic(int i) => States[(i - 1) % States.Length] is "accepted" or "confirmed" && i != 8;

    private const string Deleted = "2027-01-01T00:00:00.000000+00:00";

    /// <summary>How the server writes an instant: UTC, "+00:00", microseconds.</summary>
    private static string Instant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", System.Globalization.CultureInfo.InvariantCulture);

    private static void Include(JsonArray included, HashSet<string> seen, string type, string id, JsonObject attributes)
    {
        if (seen.Add(type + "/" + id))
        {
            included.Add(new JsonObject { ["type"] = type, ["id"] = id, ["attributes"] = attributes });
        }
    }
}
