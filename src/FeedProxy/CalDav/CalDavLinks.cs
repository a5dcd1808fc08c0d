using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.CalDav;

/// <summary>
/// Where a feed's CalDAV twin lives, for the Link header of iCalendar feeds
/// (draft-ietf-calext-subscription-upgrade: rel="subscribe-caldav", a read-only CalDAV
/// collection that needs no authentication) and for the subscribe pages.
/// </summary>
internal static class CalDavLinks
{
    /// <summary>The calendar collection of an event or collection (under the token when private).</summary>
    public static Uri CalendarUrl(Uri baseUrl, bool isCollection, string id, string? token)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return token is null
            ? new Uri(baseUrl, "dav/calendars/" + (isCollection ? DavTree.CollectionPrefix : string.Empty) + Uri.EscapeDataString(id) + "/")
            : new Uri(AccountUrl(baseUrl, isCollection, id, token), "calendar/");
    }

    /// <summary>What to enter as the server of a CalDAV account: the public root, or a private calendar's own root.</summary>
    public static Uri AccountUrl(Uri baseUrl, bool isCollection, string id, string? token)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return token is null
            ? new Uri(baseUrl, "dav/")
            : new Uri(baseUrl, $"private/{Uri.EscapeDataString(token)}/dav/{(isCollection ? "collections" : "events")}/{Uri.EscapeDataString(id)}/");
    }

    /// <summary>The Link header value for a whole-calendar iCalendar feed; null for anything else (filters, sessions, agendas, other formats).</summary>
    public static string? ForFeed(Uri baseUrl, FeedRequest request, bool isCollection, string? token)
    {
        ArgumentNullException.ThrowIfNull(request);
        var whole = request.Format == FeedFormat.ICalendar && request.SessionId is null && request.Occurrence is null
            && request.Filters.Count == 0 && request.SessionIds.Count == 0 && request.Options == FeedOptions.Default;
        return whole ? $"<{CalendarUrl(baseUrl, isCollection, request.EventId, token).AbsoluteUri}>; rel=\"subscribe-caldav\"" : null;
    }
}
