using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FeedProxy.Tests.Filters;

/// <summary>Counts the sessions in a feed body of any format, by parsing it.</summary>
internal static partial class FeedItems
{
    public static int Count(string extension, string body) => extension switch
    {
        "ics" => IcsEvents().Count(body),
        "xcs" => CountElements(body, "vevent"),
        "rss" => CountElements(body, "item"),
        "atom" => CountElements(body, "entry"),
        "json" => CountJCalEvents(body),
        _ => throw new ArgumentOutOfRangeException(nameof(extension)),
    };

    /// <summary>UIDs of an iCalendar body, unfolded.</summary>
    public static IReadOnlyList<string> IcsUids(string body) =>
        body.Replace("\r\n ", string.Empty, StringComparison.Ordinal).Split("\r\n")
            .Where(l => l.StartsWith("UID:", StringComparison.Ordinal)).Select(l => l[4..]).ToList();

    private static int CountElements(string body, string localName) =>
        XDocument.Parse(body).Descendants().Count(e => e.Name.LocalName == localName);

    private static int CountJCalEvents(string body)
    {
        using var json = JsonDocument.Parse(body);
        // RFC 7265 §3.1: ["vcalendar", [properties], [components]]
        return json.RootElement[2].EnumerateArray().Count(c => c[0].GetString() == "vevent");
    }

    [GeneratedRegex("^BEGIN:VEVENT\r$", RegexOptions.Multiline)]
    private static partial Regex IcsEvents();
}
