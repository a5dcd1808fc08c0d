using System.Text.Json.Nodes;

namespace FeedProxy.Testing;

/// <summary>
/// JSON:API responses shaped as an Open Event Server v1 answers them (resources with type, id,
/// attributes and relationships; related resources in "included"; paging links), written here
/// from the API description: an event and its sessions in every state, one soft-deleted, speakers
/// with an e-mail address that must never come through.
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
                ["starts-at"] = "2027-03-18T09:00:00+08:00",
                ["ends-at"] = "2027-03-20T18:00:00+08:00",
                ["location-name"] = "Science Centre",
                ["state"] = "published",
                ["privacy"] = "public",
                ["paypal-email"] = "money@example.org",
            },
        },
        ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
    }.ToJsonString();

    /// <summary>One page of /sessions; <paramref name="titleSuffix"/> lets a test change every title.</summary>
    public static string SessionsPage(string baseUrl, int number, int size, string titleSuffix = "")
    {
        var first = ((number - 1) * size) + 1;
        var last = Math.Min(SessionCount, number * size);
        var data = new JsonArray();
        var included = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = first; i <= last; i++)
        {
            var state = States[(i - 1) % States.Length];
            var start = new DateTimeOffset(2027, 3, 18 + ((i / 50) % 3), 9, 0, 0, TimeSpan.FromHours(8)).AddMinutes(30 * (i % 16));
            var speakerId = (1 + (i % 40)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var trackId = (1 + (i % 5)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var roomId = (1 + (i % 4)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            data.Add(new JsonObject
            {
                ["type"] = "session",
                ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["attributes"] = new JsonObject
                {
                    ["title"] = $"Session {i} ({state}){titleSuffix}",
                    ["short-abstract"] = $"About topic {i}.",
                    ["starts-at"] = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
                    ["ends-at"] = start.AddMinutes(25).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
                    ["state"] = state,
                    ["deleted-at"] = i == 8 ? "2027-01-01T00:00:00+00:00" : null,
                    ["language"] = "English",
                    ["last-modified-at"] = "2027-01-02T03:04:05+00:00",
                },
                ["relationships"] = new JsonObject
                {
                    ["speakers"] = new JsonObject { ["data"] = new JsonArray(new JsonObject { ["type"] = "speaker", ["id"] = speakerId }) },
                    ["track"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "track", ["id"] = trackId } },
                    ["microlocation"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "microlocation", ["id"] = roomId } },
                    ["session-type"] = new JsonObject { ["data"] = new JsonObject { ["type"] = "session-type", ["id"] = "1" } },
                },
            });
            Include(included, seen, "speaker", speakerId, new JsonObject
            {
                ["name"] = $"Speaker {speakerId}",
                ["email"] = $"speaker{speakerId}@example.org",
                ["mobile"] = "+65 5555 0000",
                ["organisation"] = "Example Org",
            });
            Include(included, seen, "track", trackId, new JsonObject { ["name"] = $"Track {trackId}", ["color"] = "#3366" + trackId + "9" + trackId });
            Include(included, seen, "microlocation", roomId, new JsonObject { ["name"] = $"Hall {roomId}", ["floor"] = 1 });
            Include(included, seen, "session-type", "1", new JsonObject { ["name"] = "Talk", ["length"] = "00:25" });
        }

        var pages = (SessionCount + size - 1) / size;
        var links = new JsonObject { ["self"] = $"{baseUrl}?page%5Bnumber%5D={number}" };
        if (number < pages)
        {
            links["next"] = $"{baseUrl}?page%5Bnumber%5D={number + 1}";
        }

        return new JsonObject
        {
            ["data"] = data,
            ["included"] = included,
            ["links"] = links,
            ["meta"] = new JsonObject { ["count"] = SessionCount },
            ["jsonapi"] = new JsonObject { ["version"] = "1.0" },
        }.ToJsonString();
    }

    private static bool IsPublic(int i) => States[(i - 1) % States.Length] is "accepted" or "confirmed" && i != 8;

    private static void Include(JsonArray included, HashSet<string> seen, string type, string id, JsonObject attributes)
    {
        if (seen.Add(type + "/" + id))
        {
            included.Add(new JsonObject { ["type"] = type, ["id"] = id, ["attributes"] = attributes });
        }
    }
}
