using System.Buffers;
using System.Xml;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Syndication;

/// <summary>
/// Atom, RFC 4287. <see cref="SyndicationProfile.Standard"/> is a valid feed with the RSS
/// event module as foreign markup (§6); <see cref="SyndicationProfile.Campus"/> writes the
/// entry shape of the campus app integration guide (published = session start in RFC 822
/// form, un-prefixed endDate and image), which is not valid Atom and therefore opt-in, plus
/// an RFC 3339 updated for generic readers.
/// </summary>
public sealed class AtomWriter : IFeedWriter
{
    private const string Ns = SyndicationXml.AtomNamespace;

    public FeedFormat Format => FeedFormat.Atom;

    /// <summary>
    /// Tag URIs (RFC 4151) are stable whatever host or path serves the feed, which §4.2.6
    /// asks of atom:id. The date is fixed: it names the authority's tagging scheme, not the event.
    /// </summary>
    internal static string FeedId(FeedDocument document) =>
        $"tag:{document.UidDomain},2024:{document.Kind}/{Uri.EscapeDataString(document.Event.Id)}";

    /// <summary>The entry id is the session's own event's, also in a collection (no duplicates across feeds).</summary>
    internal static string EntryId(FeedDocument document, Session session)
    {
        var events = $"tag:{document.UidDomain},2024:events/{Uri.EscapeDataString(document.EventOf(session).Id)}";
        return FeedDocument.OccurrenceKey(session) is { } occurrence
            ? $"{events}/sessions/{Uri.EscapeDataString(session.Id)}/{occurrence}"
            : $"{events}/sessions/{Uri.EscapeDataString(session.Id)}";
    }

    public void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        var campus = document.Options.Profile == SyndicationProfile.Campus;
        using var xml = SyndicationXml.Create(output);
        xml.WriteStartDocument();
        xml.WriteStartElement("feed", Ns);
        xml.WriteAttributeString("xmlns", Ns); // first, so the default namespace leads as readers expect to see it
        if (campus)
        {
            WriteCampusHeader(xml, document);
        }
        else
        {
            xml.DeclareNamespace("ev", SyndicationXml.EventNamespace);
            WriteStandardHeader(xml, document);
        }

        foreach (var session in document.Sessions)
        {
            if (campus)
            {
                WriteCampusEntry(xml, document, session);
            }
            else
            {
                WriteStandardEntry(xml, document, session);
            }
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    private static void WriteStandardHeader(XmlWriter xml, FeedDocument document)
    {
        xml.WriteElementString("id", Ns, FeedId(document));
        xml.WriteElementString("title", Ns, FeedPresentation.FeedTitle(document));
        xml.WriteElementString("subtitle", Ns, FeedPresentation.FeedDescription(document));
        xml.WriteElementString("updated", Ns, SyndicationDates.Rfc3339(document.LastModified));
        // §4.1.1: a feed-level author covers every entry without speakers.
        xml.WriteStartElement("author", Ns);
        xml.WriteElementString("name", Ns, document.Event.Name);
        xml.WriteEndElement();
        WriteLink(xml, "self", document.SelfUrl.AbsoluteUri, "application/atom+xml");
        if (document.HubUrl is { } hub)
        {
            // W3C WebSub section 4: the hub, discoverable inside the feed too.
            WriteLink(xml, "hub", hub.AbsoluteUri, null);
        }

        WriteLink(xml, "alternate", FeedPresentation.FeedLink(document), "text/html");
        xml.WriteElementString("generator", Ns, SyndicationXml.Generator);
        if (FeedPresentation.AbsoluteUrl(document.Event.ImageUrl) is { } image)
        {
            xml.WriteElementString("icon", Ns, image);
            xml.WriteElementString("logo", Ns, image);
        }
    }

    private static void WriteStandardEntry(XmlWriter xml, FeedDocument document, Session session)
    {
        var zone = FeedPresentation.ZoneOf(document.EventOf(session));
        var lastModified = SyndicationDates.Rfc3339(session.LastModified);
        xml.WriteStartElement("entry", Ns);
        xml.WriteElementString("id", Ns, EntryId(document, session));
        xml.WriteElementString("title", Ns, FeedPresentation.SessionTitle(session));
        xml.WriteElementString("updated", Ns, lastModified);
        xml.WriteElementString("published", Ns, lastModified);
        foreach (var speaker in session.Speakers)
        {
            xml.WriteStartElement("author", Ns);
            xml.WriteElementString("name", Ns, speaker.Name);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("content", Ns);
        xml.WriteAttributeString("type", "html");
        xml.WriteString(SessionHtml.Render(document, session));
        xml.WriteEndElement();
        WriteLink(xml, "alternate", FeedPresentation.SessionLink(document, session), null);
        if (FeedPresentation.SessionImage(session) is { } image)
        {
            WriteLink(xml, "enclosure", image, FeedPresentation.MediaTypeOf(image));
        }

        foreach (var category in FeedPresentation.Categories(session))
        {
            xml.WriteStartElement("category", Ns);
            xml.WriteAttributeString("term", category);
            xml.WriteEndElement();
        }

        EventModule.Write(xml, document, session, zone);
        xml.WriteEndElement();
    }

    private static void WriteCampusHeader(XmlWriter xml, FeedDocument document)
    {
        xml.WriteElementString("id", Ns, FeedId(document));
        xml.WriteElementString("title", Ns, FeedPresentation.FeedTitle(document));
        xml.WriteElementString("updated", Ns, SyndicationDates.Rfc3339(document.LastModified));
        WriteLink(xml, "alternate", FeedPresentation.FeedLink(document), null);
        WriteLink(xml, "self", document.SelfUrl.AbsoluteUri, null);
        xml.WriteElementString("subtitle", Ns, FeedPresentation.FeedDescription(document));
    }

    /// <summary>Exactly the entry shape of the campus app's integration guide.</summary>
    private static void WriteCampusEntry(XmlWriter xml, FeedDocument document, Session session)
    {
        xml.WriteStartElement("entry", Ns);
        xml.WriteElementString("title", Ns, FeedPresentation.SessionTitle(session));
        xml.WriteStartElement("content", Ns);
        xml.WriteAttributeString("type", "html");
        xml.WriteString(SessionHtml.Render(document, session));
        xml.WriteEndElement();
        xml.WriteElementString("id", Ns, document.UidOf(session));
        // The guide's parser reads RFC 822 here, not RFC 3339: published is the event start.
        xml.WriteElementString("published", Ns, SyndicationDates.Rfc822(session.Start));
        xml.WriteElementString("endDate", Ns, SyndicationDates.Rfc822(session.End));
        if (FeedPresentation.SessionOrEventImage(document, session) is { } image)
        {
            xml.WriteStartElement("image", Ns);
            xml.WriteElementString("url", Ns, image);
            xml.WriteEndElement();
        }

        // Generic readers date an entry by atom:updated (RFC 4287 §4.2.15, an RFC 3339 date) and
        // fall back to the fetch time without one; the app reads only the fields above, so this
        // goes last and leaves the guide's shape intact.
        xml.WriteElementString("updated", Ns, SyndicationDates.Rfc3339(session.LastModified));
        xml.WriteEndElement();
    }

    private static void WriteLink(XmlWriter xml, string rel, string href, string? type)
    {
        xml.WriteStartElement("link", Ns);
        xml.WriteAttributeString("rel", rel);
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }
}
