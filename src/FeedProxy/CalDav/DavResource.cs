namespace FeedProxy.CalDav;

/// <summary>A resource being described: what it is, where, and (for calendars and objects) its current index and entry.</summary>
internal sealed record DavResource(DavResourceKind Kind, string Href, DavTree Tree, CalendarRef? Calendar = null, CalendarIndex? Index = null, CalendarEntry? Entry = null);
