using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>
/// calendar-multiget (RFC 4791 §7.9): the asked-for properties of each listed object; an
/// href that names no object of this calendar gets a 404 response of its own.
/// </summary>
internal static class CalendarMultigetReport
{
    public static IReadOnlyList<DavMember> Run(DavRequest request, DavResource calendar, XElement body)
    {
        var props = ReportHandler.Props(body);
        var prefix = calendar.Tree.CalendarHref(calendar.Calendar!);
        var responses = new List<DavMember>();
        foreach (var href in body.Elements(DavNames.Href).Select(h => h.Value.Trim()))
        {
            var path = Uri.TryCreate(href, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.AbsolutePath : href;
            var name = path.StartsWith(prefix, StringComparison.Ordinal) ? Uri.UnescapeDataString(path[prefix.Length..]) : null;
            if (name is not null && !name.Contains('/', StringComparison.Ordinal) && calendar.Index!.Find(name) is { } entry)
            {
                responses.Add(ReportHandler.ObjectResponse(calendar, entry, props));
            }
            else
            {
                responses.Add(DavMember.Gone(href));
            }
        }

        return responses;
    }
}
