using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using static FeedProxy.CalDav.DavNames;

namespace FeedProxy.CalDav;

/// <summary>
/// The live properties of every resource in the tree (RFC 4918 §15, RFC 4791 §5.2 and §6.2,
/// RFC 5397, RFC 6578 §4, RFC 7809 §5.2, plus getctag and calendar-color, which clients still
/// read). <see cref="MultistatusWriter"/> writes them into responses.
/// </summary>
internal static class DavProperties
{
    /// <summary>Token URIs (RFC 6578 §3.2 wants a URI): the manifest hash under a reserved host.</summary>
    public const string SyncTokenPrefix = "http://feedproxy.invalid/ns/sync/";

    private static readonly XName[] RootProps = [ResourceType, DisplayName, CurrentUserPrincipal, CalendarHomeSet, PrincipalCollectionSet, CurrentUserPrivilegeSet];
    private static readonly XName[] PrincipalProps = [ResourceType, DisplayName, CurrentUserPrincipal, PrincipalUrl, CalendarHomeSet, PrincipalCollectionSet, CalendarUserAddressSet, CurrentUserPrivilegeSet];
    private static readonly XName[] HomeProps = [ResourceType, DisplayName, CurrentUserPrincipal, Owner, CurrentUserPrivilegeSet];
    private static readonly XName[] CalendarProps =
    [
        ResourceType, DisplayName, CalendarDescription, CalendarColor, CalendarTimezone, CalendarTimezoneId,
        SupportedCalendarComponentSet, SupportedCalendarData, GetCTag, SyncToken, CurrentUserPrivilegeSet,
        SupportedReportSet, CurrentUserPrincipal, Owner, GetLastModified,
    ];

    private static readonly XName[] ObjectProps = [ResourceType, GetETag, GetContentType, GetContentLength, GetLastModified, CurrentUserPrivilegeSet];

    /// <summary>What allprop (and an empty PROPFIND body) returns: every live property except calendar-data.</summary>
    public static IReadOnlyList<XName> AllProp(DavResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Kind switch
        {
            DavResourceKind.Root => RootProps,
            DavResourceKind.Principal => PrincipalProps,
            DavResourceKind.Home => resource.Tree.IsPrivate ? [.. PrincipalProps.Union(HomeProps)] : HomeProps,
            DavResourceKind.Calendar => CalendarProps,
            _ => ObjectProps,
        };
    }

    /// <summary>The property with its value, or null when the resource has no such property.</summary>
    public static XElement? Value(XName name, DavResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var kind = resource.Kind;
        var tree = resource.Tree;
        var isCollection = kind != DavResourceKind.Object;
        var isPrincipal = kind == DavResourceKind.Principal || (tree.IsPrivate && kind == DavResourceKind.Home);
        if (name == ResourceType)
        {
            return new XElement(ResourceType,
                isCollection ? new XElement(Collection) : null,
                isPrincipal ? new XElement(DavNames.Principal) : null,
                kind == DavResourceKind.Calendar ? new XElement(DavNames.Calendar) : null);
        }

        if (name == CurrentUserPrincipal)
        {
            // RFC 5397 §3: anonymous access could answer <unauthenticated/>, but clients then
            // find no calendar-home-set; the one read-only principal serves every reader.
            return new XElement(name, new XElement(Href, tree.Principal));
        }

        if (name == CurrentUserPrivilegeSet)
        {
            // RFC 3744 §5.4: read only, everywhere.
            return new XElement(name,
                new XElement(Privilege, new XElement(Read)),
                new XElement(Privilege, new XElement(ReadCurrentUserPrivilegeSet)),
                kind == DavResourceKind.Calendar ? new XElement(Privilege, new XElement(ReadFreeBusy)) : null);
        }

        if (name == DisplayName)
        {
            return kind switch
            {
                DavResourceKind.Calendar => new XElement(name, CalendarName(resource)),
                DavResourceKind.Object => null,
                _ => new XElement(name, tree.IsPrivate ? "FeedProxy (private)" : "FeedProxy"),
            };
        }

        if (kind is DavResourceKind.Root or DavResourceKind.Principal || (kind == DavResourceKind.Home && tree.IsPrivate))
        {
            if (name == CalendarHomeSet)
            {
                return new XElement(name, new XElement(Href, tree.Home));
            }

            if (name == PrincipalCollectionSet)
            {
                return new XElement(name, new XElement(Href, tree.Principal));
            }

            if (isPrincipal && name == PrincipalUrl)
            {
                return new XElement(name, new XElement(Href, tree.Principal));
            }

            if (isPrincipal && name == CalendarUserAddressSet)
            {
                // Nobody to invite or reply to: an empty set (RFC 6638 §2.4.1).
                return new XElement(name);
            }
        }

        if (name == Owner && kind is DavResourceKind.Home or DavResourceKind.Calendar)
        {
            return new XElement(name, new XElement(Href, tree.Principal));
        }

        return kind switch
        {
            DavResourceKind.Calendar => CalendarValue(name, resource),
            DavResourceKind.Object => ObjectValue(name, resource),
            _ => null,
        };
    }

    private static XElement? CalendarValue(XName name, DavResource resource)
    {
        var index = resource.Index!;
        if (name == CalendarDescription)
        {
            return Property(index, "X-WR-CALDESC") is { } description ? new XElement(name, description) : null;
        }

        if (name == CalendarColor)
        {
            return new XElement(name, ColorFor(resource.Calendar!));
        }

        if (name == CalendarTimezone)
        {
            return index.TimeZone.IsEmpty ? null : new XElement(name, Encoding.UTF8.GetString(index.TimeZone.Span));
        }

        if (name == CalendarTimezoneId)
        {
            return Property(index, "X-WR-TIMEZONE") is { } zone ? new XElement(name, zone) : null;
        }

        if (name == SupportedCalendarComponentSet)
        {
            return new XElement(name, new XElement(Comp, new XAttribute("name", "VEVENT")));
        }

        if (name == SupportedCalendarData)
        {
            return new XElement(name, new XElement(CalendarDataType, new XAttribute("content-type", "text/calendar"), new XAttribute("version", "2.0")));
        }

        if (name == GetCTag)
        {
            return new XElement(name, index.Token);
        }

        if (name == SyncToken)
        {
            return new XElement(name, SyncTokenPrefix + index.Token);
        }

        if (name == SupportedReportSet)
        {
            return new XElement(name,
                new XElement(SupportedReport, new XElement(Report, new XElement(SyncCollection))),
                new XElement(SupportedReport, new XElement(Report, new XElement(CalendarMultiget))),
                new XElement(SupportedReport, new XElement(Report, new XElement(CalendarQuery))));
        }

        if (name == GetLastModified)
        {
            return new XElement(name, HttpDate(index));
        }

        return null;
    }

    private static XElement? ObjectValue(XName name, DavResource resource)
    {
        var entry = resource.Entry!;
        if (name == GetETag)
        {
            return new XElement(name, entry.ETag);
        }

        if (name == GetContentType)
        {
            return new XElement(name, "text/calendar; charset=utf-8; component=VEVENT");
        }

        if (name == GetContentLength)
        {
            return new XElement(name, entry.Data.Length.ToString(CultureInfo.InvariantCulture));
        }

        if (name == GetLastModified)
        {
            return new XElement(name, HttpDate(resource.Index!));
        }

        if (name == DavNames.CalendarData)
        {
            return new XElement(name, Encoding.UTF8.GetString(entry.Data.Span));
        }

        return null;
    }

    private static string CalendarName(DavResource resource) =>
        Property(resource.Index!, "X-WR-CALNAME") ?? Property(resource.Index!, "NAME") ?? resource.Calendar!.Id;

    private static string? Property(CalendarIndex index, string name) =>
        index.Properties.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static string HttpDate(CalendarIndex index) =>
        index.LastModified.ToDateTimeUtc().ToString("R", CultureInfo.InvariantCulture);

    // The feeds carry no calendar colour: a fixed pick per calendar keeps it stable across
    // devices and reinstalls (clients otherwise assign one at random per device).
    private static readonly string[] Palette = ["#1F6FB2FF", "#2E8B57FF", "#B8860BFF", "#8E44ADFF", "#C0392BFF", "#16A085FF", "#D35400FF", "#34495EFF"];

    private static string ColorFor(CalendarRef calendar) =>
        Palette[SHA256.HashData(Encoding.UTF8.GetBytes(calendar.HistoryKey))[0] % Palette.Length];
}
