using System.Buffers;
using System.Text;
using System.Xml;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Syndication;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.XCal;

/// <summary>
/// The conference tools' older "xCal" (Pentabarf, frab, pretalx, Open Event exports) that
/// Giggity and similar schedule apps read: <c>&lt;iCalendar xmlns:xCal="urn:ietf:params:xml:ns:xcal"&gt;</c>
/// with un-prefixed, lower-case iCalendar property names as elements and plain-text values.
/// Not RFC 6321; served for <see cref="XCalDialect.Pentabarf"/>.
/// </summary>
public static class PentabarfXCalWriter
{
    private const string XCalNamespace = "urn:ietf:params:xml:ns:xcal";

    // Basic-format UTC (RFC 5545 §3.3.5 form 2): readers parse "yyyyMMdd'T'HHmmss[Z]", and the
    // "Z" keeps the time right whatever zone the reader's device is in, unlike the floating
    // local times other exporters write.
    private static readonly InstantPattern UtcBasic = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    public static void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        var schedule = document.Event;
        using var xml = SyndicationXml.Create(output);
        xml.WriteStartDocument();
        xml.WriteStartElement("iCalendar");
        // Declared but unused, as the dialect's producers do; readers match on element names.
        xml.DeclareNamespace("xCal", XCalNamespace);
        xml.WriteStartElement("vcalendar");
        xml.WriteElementString("version", "2.0");
        xml.WriteElementString("prodid", "-//FeedProxy//FeedProxy//EN");
        xml.WriteElementString("x-wr-caldesc", FeedPresentation.FeedDescription(document));
        if (document.IsSubscription)
        {
            // As in iCalendar: a one-session download must not name a calendar.
            xml.WriteElementString("x-wr-calname", FeedPresentation.FeedTitle(document));
        }

        xml.WriteElementString("x-wr-timezone", FeedPresentation.ZoneOf(schedule).Id);
        foreach (var session in document.Sessions)
        {
            WriteEvent(xml, document, session);
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    private static void WriteEvent(XmlWriter xml, FeedDocument document, Session session)
    {
        xml.WriteStartElement("vevent");
        xml.WriteElementString("method", "PUBLISH");
        xml.WriteElementString("uid", document.UidOf(session));
        xml.WriteElementString("dtstart", UtcBasic.Format(session.Start));
        xml.WriteElementString("dtend", UtcBasic.Format(session.End));
        xml.WriteElementString("duration", FormatDuration(session.Duration));
        xml.WriteElementString("summary", FeedPresentation.SessionTitle(session));
        if (Description(session) is { } description)
        {
            xml.WriteElementString("description", description);
        }

        xml.WriteElementString("class", "PUBLIC");
        xml.WriteElementString("status", session.State == SessionState.Cancelled ? "CANCELLED" : "CONFIRMED");
        foreach (var category in FeedPresentation.Categories(session))
        {
            xml.WriteElementString("category", category);
        }

        xml.WriteElementString("url", FeedPresentation.SessionLink(document, session));
        // Giggity needs a location on every event; the event name is the honest fallback.
        xml.WriteElementString("location", FeedPresentation.Location(document.EventOf(session), session) ?? document.EventOf(session).Name);
        foreach (var speaker in session.Speakers)
        {
            xml.WriteElementString("attendee", speaker.Name);
        }

        xml.WriteEndElement();
    }

    private static string? Description(Session session) => (session.Subtitle, session.Abstract) switch
    {
        (null, null) => null,
        ({ } subtitle, null) => subtitle,
        (null, { } text) => text,
        ({ } subtitle, { } text) => subtitle + "\n\n" + text,
    };

    /// <summary>RFC 5545 §3.3.6 dur-value ("PT45M", "P1DT2H"), whole seconds; negative lengths become zero.</summary>
    internal static string FormatDuration(Duration duration)
    {
        var seconds = Math.Max(0L, (long)duration.TotalSeconds);
        if (seconds == 0)
        {
            return "PT0S";
        }

        var text = new StringBuilder("P");
        var days = seconds / 86_400;
        seconds %= 86_400;
        if (days > 0)
        {
            text.Append(days).Append('D');
        }

        if (seconds > 0)
        {
            // dur-hour = 1*DIGIT "H" [dur-minute]: hours and seconds need the minutes between them.
            var (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
            text.Append('T');
            AppendPart(text, hours, 'H', force: false);
            AppendPart(text, minutes, 'M', force: hours > 0 && rest > 0);
            AppendPart(text, rest, 'S', force: false);
        }

        return text.ToString();
    }

    private static void AppendPart(StringBuilder text, long value, char unit, bool force)
    {
        if (value > 0 || force)
        {
            text.Append(value).Append(unit);
        }
    }
}
