using System.Text;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Syndication;

/// <summary>
/// The plain-text session fields rendered as a small HTML fragment for RSS description and
/// Atom content type="html": when, where, who, then the abstract's paragraphs. Text is
/// HTML-escaped here; XmlWriter escapes the result once more as element text, which is the
/// "entity-encoded HTML" both formats define (RSS 2.0 "description", RFC 4287 §3.1.1.2).
/// </summary>
internal static class SessionHtml
{
    private static readonly LocalDateTimePattern DayAndTime =
        LocalDateTimePattern.CreateWithInvariantCulture("dddd, d MMMM uuuu, HH':'mm");

    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    public static string Render(FeedDocument document, Session session)
    {
        var zone = FeedPresentation.ZoneOf(document.EventOf(session));
        var html = new StringBuilder(256 + (session.Abstract?.Length ?? 0));
        if (session.State == SessionState.Cancelled)
        {
            html.Append("<p><strong>This session has been cancelled.</strong></p>\n");
        }

        if (session.Subtitle is { } subtitle)
        {
            Paragraph(html, subtitle, "<em>", "</em>");
        }

        Paragraph(html, When(session, zone), null, null);
        if (FeedPresentation.Location(document.EventOf(session), session) is { } location)
        {
            Paragraph(html, "Where: " + location, null, null);
        }

        if (FeedPresentation.SpeakerNames(session) is { } speakers)
        {
            Paragraph(html, (session.Speakers.Count == 1 ? "Speaker: " : "Speakers: ") + speakers, null, null);
        }

        if (session.Abstract is { } text)
        {
            // A blank line separates paragraphs; a single line break stays a line break.
            foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Paragraph(html, block, null, null);
            }
        }

        return html.ToString(0, html.Length - 1); // without the last "\n"
    }

    /// <summary>"Friday, 26 March 2027, 09:00–09:45 (Europe/Berlin)"; the end date is spelled out when it differs.</summary>
    public static string When(Session session, DateTimeZone zone)
    {
        var start = session.Start.InZone(zone).LocalDateTime;
        var end = session.End.InZone(zone).LocalDateTime;
        var endText = end.Date == start.Date ? Time.Format(end.TimeOfDay) : DayAndTime.Format(end);
        return $"{DayAndTime.Format(start)}–{endText} ({zone.Id})";
    }

    private static void Paragraph(StringBuilder html, string text, string? open, string? close)
    {
        html.Append("<p>").Append(open);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                html.Append("<br />");
            }

            AppendEscaped(html, lines[i]);
        }

        html.Append(close).Append("</p>\n");
    }

    private static void AppendEscaped(StringBuilder html, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => html.Append("&amp;"),
                '<' => html.Append("&lt;"),
                '>' => html.Append("&gt;"),
                '"' => html.Append("&quot;"),
                _ => html.Append(c),
            };
        }
    }
}
