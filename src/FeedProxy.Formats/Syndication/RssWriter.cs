using System.Buffers;
using System.Globalization;
using System.Xml;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Syndication;

/// <summary>
/// RSS 2.0 (https://www.rssboard.org/rss-specification). <see cref="SyndicationProfile.Standard"/>
/// passes strict validation: every extension element is namespaced (atom:link, the event
/// module, Dublin Core). <see cref="SyndicationProfile.Campus"/> writes the item shape the campus
/// app integration documents (pubDate = session start, un-namespaced endDate and image), which
/// validators reject and which is therefore opt-in.
/// </summary>
public sealed class RssWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.Rss;

    public void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        var campus = document.Options.Profile == SyndicationProfile.Campus;
        using var xml = SyndicationXml.Create(output);
        xml.WriteStartDocument();
        xml.WriteStartElement("rss");
        xml.WriteAttributeString("version", "2.0");
        xml.DeclareNamespace("atom", SyndicationXml.AtomNamespace);
        if (!campus)
        {
            xml.DeclareNamespace("ev", SyndicationXml.EventNamespace);
            if (document.Sessions.Any(s => s.Speakers.Count > 0))
            {
                xml.DeclareNamespace("dc", SyndicationXml.DublinCoreNamespace);
            }
        }

        xml.WriteStartElement("channel");
        WriteChannelHeader(xml, document, campus);
        foreach (var session in document.Sessions)
        {
            if (campus)
            {
                WriteCampusItem(xml, document, session);
            }
            else
            {
                WriteStandardItem(xml, document, session);
            }
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    private static void WriteChannelHeader(XmlWriter xml, FeedDocument document, bool campus)
    {
        var title = FeedPresentation.FeedTitle(document);
        var link = FeedPresentation.FeedLink(document);
        xml.WriteElementString("title", title);
        xml.WriteElementString("link", link);
        xml.WriteElementString("description", FeedPresentation.FeedDescription(document));
        xml.WriteStartElement("atom", "link", SyndicationXml.AtomNamespace);
        xml.WriteAttributeString("href", document.SelfUrl.AbsoluteUri);
        xml.WriteAttributeString("rel", "self");
        xml.WriteAttributeString("type", "application/rss+xml");
        xml.WriteEndElement();
        if (!campus && document.HubUrl is { } hub)
        {
            // W3C WebSub section 4: the hub, discoverable inside the feed too.
            xml.WriteStartElement("atom", "link", SyndicationXml.AtomNamespace);
            xml.WriteAttributeString("href", hub.AbsoluteUri);
            xml.WriteAttributeString("rel", "hub");
            xml.WriteEndElement();
        }

        xml.WriteElementString("lastBuildDate", SyndicationDates.Rfc822(document.LastModified));
        if (campus)
        {
            return;
        }

        // Channel language is left out: the model has no event language, and a guess would mislead.
        var minutes = Math.Max(1, (long)document.RefreshInterval.TotalMinutes);
        xml.WriteElementString("ttl", minutes.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("generator", SyndicationXml.Generator);
        // RSS 2.0 "image" allows GIF, JPEG or PNG only (validators flag other extensions);
        // its title and link must equal the channel's.
        if (FeedPresentation.AbsoluteUrl(document.Event.ImageUrl) is { } image
            && FeedPresentation.MediaTypeOf(image) is "image/png" or "image/jpeg" or "image/gif")
        {
            xml.WriteStartElement("image");
            xml.WriteElementString("url", image);
            xml.WriteElementString("title", title);
            xml.WriteElementString("link", link);
            xml.WriteEndElement();
        }
    }

    private static void WriteStandardItem(XmlWriter xml, FeedDocument document, Session session)
    {
        var zone = FeedPresentation.ZoneOf(document.EventOf(session));
        xml.WriteStartElement("item");
        xml.WriteElementString("title", FeedPresentation.SessionTitle(session));
        xml.WriteElementString("link", FeedPresentation.SessionLink(document, session));
        xml.WriteElementString("description", SessionHtml.Render(document, session));
        WriteGuid(xml, document, session);
        xml.WriteElementString("pubDate", SyndicationDates.Rfc822(session.LastModified));
        foreach (var category in FeedPresentation.Categories(session))
        {
            xml.WriteElementString("category", category);
        }

        // RSS <author> must be an e-mail address, which the model deliberately lacks. One
        // dc:creator with every name: readers that keep a single creator keep the last element,
        // so one element per speaker showed only the last speaker.
        if (session.Speakers.Count > 0)
        {
            xml.WriteElementString("dc", "creator", SyndicationXml.DublinCoreNamespace, string.Join(", ", session.Speakers.Select(s => s.Name)));
        }

        if (FeedPresentation.SessionImage(session) is { } image)
        {
            // Length 0 is the RSS Advisory Board's advice when the size is unknown.
            xml.WriteStartElement("enclosure");
            xml.WriteAttributeString("url", image);
            xml.WriteAttributeString("length", "0");
            xml.WriteAttributeString("type", FeedPresentation.MediaTypeOf(image));
            xml.WriteEndElement();
        }

        EventModule.Write(xml, document, session, zone);
        xml.WriteEndElement();
    }

    /// <summary>Exactly the item shape of the campus app's integration guide.</summary>
    private static void WriteCampusItem(XmlWriter xml, FeedDocument document, Session session)
    {
        xml.WriteStartElement("item");
        xml.WriteElementString("title", FeedPresentation.SessionTitle(session));
        xml.WriteElementString("description", SessionHtml.Render(document, session));
        WriteGuid(xml, document, session);
        // The app reads the first pubDate as the event start and endDate as its end.
        xml.WriteElementString("pubDate", SyndicationDates.Rfc822(session.Start));
        xml.WriteElementString("endDate", SyndicationDates.Rfc822(session.End));
        if (FeedPresentation.SessionOrEventImage(document, session) is { } image)
        {
            xml.WriteStartElement("image");
            xml.WriteElementString("url", image);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    // The UID is not a URL, so readers must not treat it as a permalink (RSS 2.0 "guid").
    private static void WriteGuid(XmlWriter xml, FeedDocument document, Session session)
    {
        xml.WriteStartElement("guid");
        xml.WriteAttributeString("isPermaLink", "false");
        xml.WriteString(document.UidOf(session));
        xml.WriteEndElement();
    }
}
