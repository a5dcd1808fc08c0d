using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Formats.Syndication;

/// <summary>
/// What a document shows the reader, shared by RSS, Atom and the conference xCal so the
/// formats agree: titles, links, places, images. Pure functions of the document.
/// </summary>
internal static class FeedPresentation
{
    public const string CancelledPrefix = "Cancelled: ";

    public static DateTimeZone ZoneOf(Event schedule) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;

    /// <summary>Event name, plus the filter description when the feed is a subset.</summary>
    public static string FeedTitle(FeedDocument document) =>
        document.Subtitle is { Length: > 0 } subtitle
            ? $"{document.Event.Name} – {subtitle}"
            : document.Event.Name;

    /// <summary>The event description, else a sentence, because RSS requires a channel description.</summary>
    public static string FeedDescription(FeedDocument document) =>
        document.Event.Description ?? $"Sessions of {document.Event.Name}.";

    /// <summary>The human page: document page URL, else the event URL, else the feed itself.</summary>
    public static string FeedLink(FeedDocument document) =>
        document.PageUrl?.AbsoluteUri ?? AbsoluteUrl(document.Event.Url) ?? document.SelfUrl.AbsoluteUri;

    /// <summary>
    /// Cancelled sessions stay in feeds so subscribers see the change; readers that ignore
    /// status still show it in the title.
    /// </summary>
    public static string SessionTitle(Session session) =>
        session.State == SessionState.Cancelled ? CancelledPrefix + session.Title : session.Title;

    /// <summary>The session's page, else an anchor on the event page (never empty, unique per session).</summary>
    public static string SessionLink(FeedDocument document, Session session)
    {
        if (AbsoluteUrl(session.Url) is { } url)
        {
            return url;
        }

        var page = new Uri(FeedLink(document));
        var origin = document.EventOf(session);
        // In a collection, session ids are unique only within their event.
        var anchor = ReferenceEquals(origin, document.Event) ? session.Id : origin.Id + "/" + session.Id;
        return page.GetLeftPart(UriPartial.Query) + "#session-" + Uri.EscapeDataString(anchor);
    }

    /// <summary>"Room, Venue", either part alone, or null.</summary>
    public static string? Location(Event schedule, Session session)
    {
        var room = session.Room?.Name;
        var venue = schedule.Venue?.Name;
        if (room is null)
        {
            return venue;
        }

        return venue is null || string.Equals(room, venue, StringComparison.Ordinal) ? room : $"{room}, {venue}";
    }

    public static string? SpeakerNames(Session session) =>
        session.Speakers.Count == 0 ? null : string.Join(", ", session.Speakers.Select(s => s.Name));

    /// <summary>Track name, then type: the categories a reader can group by.</summary>
    public static IEnumerable<string> Categories(Session session)
    {
        if (session.Track?.Name is { } track)
        {
            yield return track;
        }

        if (session.Type is { } type && !string.Equals(type, session.Track?.Name, StringComparison.Ordinal))
        {
            yield return type;
        }
    }

    public static string? SessionImage(Session session) => AbsoluteUrl(session.ImageUrl);

    public static string? SessionOrEventImage(FeedDocument document, Session session) =>
        SessionImage(session) ?? AbsoluteUrl(document.EventOf(session).ImageUrl);

    /// <summary>
    /// Media type from the URL's file extension; image URLs rarely carry one a reader could
    /// trust otherwise, and RSS enclosures require a type (RSS 2.0, "enclosure").
    /// </summary>
    public static string MediaTypeOf(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".PNG" => "image/png",
            ".JPG" or ".JPEG" => "image/jpeg",
            ".GIF" => "image/gif",
            ".WEBP" => "image/webp",
            ".SVG" => "image/svg+xml",
            _ => "application/octet-stream",
        };
    }

    /// <summary>
    /// An absolute http(s) URL or null: relative or odd-scheme values would make the
    /// feed invalid, and a missing link is better than a broken one.
    /// </summary>
    public static string? AbsoluteUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;
}
