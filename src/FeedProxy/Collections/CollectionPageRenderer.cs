using System.Globalization;
using FeedProxy.Formats.Model;
using FeedProxy.Pages;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Collections;

/// <summary>
/// The subscribe page of a collection (/collections/{id}): subscribe links for every format,
/// the change feeds, the member events and the sessions, each in its own event's zone.
/// </summary>
internal static class CollectionPageRenderer
{
    private static readonly LocalDateTimePattern When = LocalDateTimePattern.CreateWithInvariantCulture("ddd d MMM uuuu, HH':'mm");

    private static readonly (string Label, string Extension, string? Query)[] Formats =
    [
        ("iCalendar (.ics)", "ics", null),
        ("iCalendar, times in UTC", "ics", "tz=utc"),
        ("xCal (.xcs)", "xcs", null),
        ("xCal, conference dialect (Giggity)", "xcs", "dialect=pentabarf"),
        ("RSS 2.0", "rss", null),
        ("RSS, campus app profile", "rss", "profile=campus"),
        ("Atom", "atom", null),
        ("Atom, campus app profile", "atom", "profile=campus"),
        ("jCal, JSON (.json)", "json", null),
    ];

    /// <param name="content">What the collection shows now.</param>
    /// <param name="feedStem">Absolute feed URL without extension.</param>
    /// <param name="changesStem">Absolute change feed URL without extension, or null (private collections).</param>
    public static byte[] Render(CollectionContent content, string feedStem, string? changesStem)
    {
        var h = new HtmlBuilder();
        var calendar = content.Calendar;
        var ics = feedStem + ".ics";
        h.Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"robots\" content=\"noindex\">")
            .Raw("<title>Subscribe: ").Text(calendar.Name).Raw("</title>");
        Alternate(h, "text/calendar", calendar.Name, ics);
        Alternate(h, "application/rss+xml", calendar.Name, feedStem + ".rss");
        if (changesStem is not null)
        {
            Alternate(h, "application/rss+xml", "Changes: " + calendar.Name, changesStem + ".rss");
            Alternate(h, "application/atom+xml", "Changes: " + calendar.Name, changesStem + ".atom");
        }

        h.Raw("<style>").Raw(PageAssets.Css).Raw("</style></head>\n<body><main>")
            .Raw("<header><h1>").Text(calendar.Name).Raw("</h1>");
        if (calendar.Description is { } description)
        {
            h.Raw("<p>").Text(description).Raw("</p>");
        }

        h.Raw("<p class=\"note\">A collection of ").Text(Plural(content.Members.Count, "event")).Raw(", ")
            .Text(Plural(content.Sessions.Count, "session")).Raw(".</p></header>");

        h.Raw("\n<section id=\"subscribe\"><h2>Subscribe</h2><p><a").Attr("href", "webcal" + ics[ics.IndexOf(':', StringComparison.Ordinal)..])
            .Raw(">Subscribe in a calendar app</a> (webcal) or add this URL by hand:</p><p><input readonly").Attr("value", ics)
            .Attr("aria-label", "Calendar URL").Raw("></p></section>");

        h.Raw("\n<section id=\"formats\"><h2>All formats</h2><ul>");
        foreach (var (label, extension, query) in Formats)
        {
            var url = feedStem + "." + extension + (query is null ? string.Empty : "?" + query);
            h.Raw("<li><a").Attr("href", url).Raw(">").Text(label).Raw("</a></li>");
        }

        h.Raw("</ul></section>");
        if (changesStem is not null)
        {
            h.Raw("\n<section id=\"changes\"><h2>Follow changes</h2><p>News of sessions added, cancelled, moved, retitled or with new speakers, for a feed reader: <a")
                .Attr("href", changesStem + ".rss").Raw(">RSS</a>, <a").Attr("href", changesStem + ".atom").Raw(">Atom</a>.</p></section>");
        }

        h.Raw("\n<section id=\"members\"><h2>Events</h2><ul>");
        foreach (var member in content.Members)
        {
            h.Raw("<li>").Text(member.Name).Raw("</li>");
        }

        h.Raw("</ul></section>\n<section id=\"sessions\"><h2>Sessions</h2><ul>");
        foreach (var session in content.Sessions)
        {
            var origin = content.Origins[session];
            var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(origin.TimeZone) ?? DateTimeZone.Utc;
            h.Raw("<li").Attr("id", "session-" + origin.Id + "/" + session.Id).Raw(">")
                .Text(When.Format(session.Start.InZone(zone).LocalDateTime)).Raw(" (").Text(zone.Id).Raw(") ")
                .Raw("<strong>").Text(session.State == SessionState.Cancelled ? "Cancelled: " + session.Title : session.Title).Raw("</strong> · ")
                .Text(origin.Name);
            if (session.Room?.Name is { } room)
            {
                h.Raw(" · ").Text(room);
            }

            h.Raw("</li>");
        }

        h.Raw("</ul></section>\n</main></body></html>\n");
        return h.ToUtf8();
    }

    private static void Alternate(HtmlBuilder h, string type, string title, string href) =>
        h.Raw("<link rel=\"alternate\"").Attr("type", type).Attr("title", title).Attr("href", href).Raw(">");

    private static string Plural(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? string.Empty : "s");
}
