using System.Xml;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Syndication;

/// <summary>
/// The RSS event module (http://purl.org/rss/1.0/modules/event/): start and end as W3C-DTF
/// with the event zone's offset, place, people and type. Written in RSS items and, as
/// foreign markup (RFC 4287 §6), in Atom entries. The "ev" prefix must be declared on the root.
/// </summary>
internal static class EventModule
{
    public static void Write(XmlWriter xml, FeedDocument document, Session session, DateTimeZone zone)
    {
        const string ns = SyndicationXml.EventNamespace;
        xml.WriteElementString("ev", "startdate", ns, SyndicationDates.W3cInZone(session.Start, zone));
        xml.WriteElementString("ev", "enddate", ns, SyndicationDates.W3cInZone(session.End, zone));
        if (FeedPresentation.Location(document.EventOf(session), session) is { } location)
        {
            xml.WriteElementString("ev", "location", ns, location);
        }

        if (FeedPresentation.SpeakerNames(session) is { } speakers)
        {
            xml.WriteElementString("ev", "organizer", ns, speakers);
        }

        if (session.Type is { } type)
        {
            xml.WriteElementString("ev", "type", ns, type);
        }
    }
}
