using FeedProxy.Formats.Model;
using FeedProxy.Formats.Json;

namespace FeedProxy.CalDav;

/// <summary>What a DAV path names.</summary>
internal enum DavResourceKind
{
    /// <summary>/dav/: where clients start after /.well-known/caldav.</summary>
    Root,

    /// <summary>The anonymous principal (RFC 5397 current-user-principal answers it).</summary>
    Principal,

    /// <summary>The calendar home (RFC 4791 §6.2.1): one calendar per event or collection.</summary>
    Home,

    Calendar,

    /// <summary>One calendar object resource (a session, a series with its overrides).</summary>
    Object,
}

/// <summary>An event's or a collection's calendar; <see cref="Token"/> is set under a private URL.</summary>
internal sealed record CalendarRef(bool IsCollection, string Id, string? Token)
{
    /// <summary>Names the calendar's sync history in the store: the same for every instance and every host name.</summary>
    public string HistoryKey => (IsCollection ? "collection:" : "event:") + Id;
}

/// <summary>A parsed DAV path.</summary>
internal sealed record DavTarget(DavResourceKind Kind, DavTree Tree, CalendarRef? Calendar = null, string? ObjectName = null);

/// <summary>
/// The shape of the CalDAV namespace and the hrefs in it. Public tree:
/// <c>/dav/</c> (root), <c>/dav/principal/</c>, <c>/dav/calendars/</c> (home),
/// <c>/dav/calendars/{eventId}/</c> and <c>/dav/calendars/collection~{collectionId}/</c> (calendars;
/// '~' never occurs in an id, so the two cannot collide), objects below them.
/// A private event or collection has a tree of its own under its token:
/// <c>/private/{token}/dav/events/{id}/</c> is its root, principal and home at once, and
/// <c>…/calendar/</c> its one calendar; nothing outside the token's URL mentions it.
/// </summary>
internal sealed class DavTree
{
    public const string CollectionPrefix = "collection~";

    private readonly string _root;

    private DavTree(string root, CalendarRef? only)
    {
        _root = root;
        Only = only;
    }

    /// <summary>The one calendar of a private tree; null for the public tree.</summary>
    public CalendarRef? Only { get; }

    public bool IsPrivate => Only is not null;

    public static DavTree Public(PathString pathBase) => new(pathBase.Add("/dav/").ToUriComponent(), null);

    public static DavTree Private(PathString pathBase, CalendarRef calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var kind = calendar.IsCollection ? "collections" : "events";
        return new(pathBase.ToUriComponent() + $"/private/{Uri.EscapeDataString(calendar.Token!)}/dav/{kind}/{Uri.EscapeDataString(calendar.Id)}/", calendar);
    }

    public string Root => _root;

    public string Principal => IsPrivate ? _root : _root + "principal/";

    public string Home => IsPrivate ? _root : _root + "calendars/";

    public string CalendarHref(CalendarRef calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return IsPrivate
            ? _root + "calendar/"
            : Home + (calendar.IsCollection ? CollectionPrefix : string.Empty) + Uri.EscapeDataString(calendar.Id) + "/";
    }

    public string ObjectHref(CalendarRef calendar, string name) => CalendarHref(calendar) + Uri.EscapeDataString(name);

    /// <summary>Resolves the path below the tree's root (no leading slash); null when it names nothing.</summary>
    public DavTarget? Resolve(string? rest)
    {
        var segments = (rest ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s.Length > 512))
        {
            return null;
        }

        if (Only is { } only)
        {
            return segments switch
            {
                [] => new DavTarget(DavResourceKind.Home, this),
                ["calendar"] => new DavTarget(DavResourceKind.Calendar, this, only),
                ["calendar", var name] => new DavTarget(DavResourceKind.Object, this, only, Uri.UnescapeDataString(name)),
                _ => null,
            };
        }

        switch (segments)
        {
            case []:
                return new DavTarget(DavResourceKind.Root, this);
            case ["principal"]:
                return new DavTarget(DavResourceKind.Principal, this);
            case ["calendars"]:
                return new DavTarget(DavResourceKind.Home, this);
            case ["calendars", var calendar]:
                return ParseCalendar(calendar) is { } c ? new DavTarget(DavResourceKind.Calendar, this, c) : null;
            case ["calendars", var calendar, var name]:
                return ParseCalendar(calendar) is { } o ? new DavTarget(DavResourceKind.Object, this, o, Uri.UnescapeDataString(name)) : null;
            default:
                return null;
        }
    }

    private static CalendarRef? ParseCalendar(string segment)
    {
        var name = Uri.UnescapeDataString(segment);
        var isCollection = name.StartsWith(CollectionPrefix, StringComparison.Ordinal);
        var id = isCollection ? name[CollectionPrefix.Length..] : name;
        return ScheduleId.IsValid(id) ? new CalendarRef(isCollection, id, null) : null;
    }
}
