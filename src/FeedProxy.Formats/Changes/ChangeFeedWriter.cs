using System.Buffers;
using System.Globalization;
using System.Xml;
using FeedProxy.Formats.Syndication;

namespace FeedProxy.Formats.Changes;

/// <summary>
/// Change feeds in RSS 2.0 and Atom (RFC 4287): one item per change, newest first, guid
/// and atom:id stable per change (a tag URI, RFC 4151), dated when the change was detected,
/// linked to the session. Stateless and thread-safe.
/// </summary>
public static class ChangeFeedWriter
{
    private const string Atom = SyndicationXml.AtomNamespace;

    public static string FeedId(ChangeFeedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return $"tag:{document.UidDomain},2024:{document.FeedPath}/changes";
    }

    /// <summary>Per change, not per session: a session moved twice gives two items.</summary>
    public static string ItemId(ChangeFeedDocument document, ScheduleChange change)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(change);
        return string.Create(CultureInfo.InvariantCulture,
            $"tag:{document.UidDomain},2024:events/{Uri.EscapeDataString(change.EventId)}/sessions/{Uri.EscapeDataString(change.SessionId)}/changes/{change.Id}");
    }

    public static void WriteRss(ChangeFeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var xml = SyndicationXml.Create(output);
        xml.WriteStartDocument();
        xml.WriteStartElement("rss");
        xml.WriteAttributeString("version", "2.0");
        xml.DeclareNamespace("atom", Atom);
        xml.WriteStartElement("channel");
        xml.WriteElementString("title", "Changes: " + document.Title);
        xml.WriteElementString("link", document.PageUrl.AbsoluteUri);
        xml.WriteElementString("description", $"Sessions added, cancelled, moved, retitled or with new speakers in {document.Title}.");
        xml.WriteStartElement("atom", "link", Atom);
        xml.WriteAttributeString("href", document.SelfUrl.AbsoluteUri);
        xml.WriteAttributeString("rel", "self");
        xml.WriteAttributeString("type", "application/rss+xml");
        xml.WriteEndElement();
        if (document.HubUrl is { } hub)
        {
            // W3C WebSub section 4: the hub, discoverable inside the feed too.
            xml.WriteStartElement("atom", "link", Atom);
            xml.WriteAttributeString("href", hub.AbsoluteUri);
            xml.WriteAttributeString("rel", "hub");
            xml.WriteEndElement();
        }

        xml.WriteElementString("lastBuildDate", SyndicationDates.Rfc822(document.LastModified));
        xml.WriteElementString("generator", SyndicationXml.Generator);
        xml.WriteElementString("ttl", ((int)document.RefreshInterval.TotalMinutes).ToString(CultureInfo.InvariantCulture));
        foreach (var item in document.Items)
        {
            xml.WriteStartElement("item");
            xml.WriteElementString("title", ChangeText.Title(item));
            xml.WriteElementString("link", item.Link.AbsoluteUri);
            xml.WriteElementString("description", ChangeText.Body(item));
            xml.WriteStartElement("guid");
            // A tag URI is not a page a reader could open (RSS 2.0 "guid").
            xml.WriteAttributeString("isPermaLink", "false");
            xml.WriteString(ItemId(document, item.Change));
            xml.WriteEndElement();
            xml.WriteElementString("pubDate", SyndicationDates.Rfc822(item.Change.DetectedAt));
            xml.WriteElementString("category", ScheduleChange.NameOf(item.Change.Kind));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    public static void WriteAtom(ChangeFeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var xml = SyndicationXml.Create(output);
        xml.WriteStartDocument();
        xml.WriteStartElement("feed", Atom);
        xml.WriteElementString("id", Atom, FeedId(document));
        xml.WriteElementString("title", Atom, "Changes: " + document.Title);
        xml.WriteElementString("updated", Atom, SyndicationDates.Rfc3339(document.LastModified));
        // RFC 4287 §4.1.1: a feed needs an author unless every entry has one.
        xml.WriteStartElement("author", Atom);
        xml.WriteElementString("name", Atom, document.Title);
        xml.WriteEndElement();
        Link(xml, "self", document.SelfUrl.AbsoluteUri, "application/atom+xml");
        if (document.HubUrl is { } hub)
        {
            Link(xml, "hub", hub.AbsoluteUri, null);
        }

        Link(xml, "alternate", document.PageUrl.AbsoluteUri, "text/html");
        xml.WriteElementString("generator", Atom, SyndicationXml.Generator);
        foreach (var item in document.Items)
        {
            var detected = SyndicationDates.Rfc3339(item.Change.DetectedAt);
            xml.WriteStartElement("entry", Atom);
            xml.WriteElementString("id", Atom, ItemId(document, item.Change));
            xml.WriteElementString("title", Atom, ChangeText.Title(item));
            xml.WriteElementString("updated", Atom, detected);
            xml.WriteElementString("published", Atom, detected);
            Link(xml, "alternate", item.Link.AbsoluteUri, null);
            xml.WriteStartElement("category", Atom);
            xml.WriteAttributeString("term", ScheduleChange.NameOf(item.Change.Kind));
            xml.WriteEndElement();
            xml.WriteStartElement("content", Atom);
            xml.WriteAttributeString("type", "text");
            xml.WriteString(ChangeText.Body(item));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    private static void Link(XmlWriter xml, string rel, string href, string? type)
    {
        xml.WriteStartElement("link", Atom);
        xml.WriteAttributeString("rel", rel);
        if (type is not null)
        {
            xml.WriteAttributeString("type", type);
        }

        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }
}
