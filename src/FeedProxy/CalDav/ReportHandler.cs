using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>
/// REPORT on a calendar: sync-collection (RFC 6578), calendar-multiget (RFC 4791 §7.9) and
/// calendar-query (§7.8). Any other report, or a report on something that is not a calendar,
/// is refused with DAV:supported-report (RFC 3253 §3.6).
/// </summary>
internal sealed class ReportHandler(SyncCollectionReport sync, CalendarQueryReport query, IServiceProvider services)
{
    public async Task<IResult> HandleAsync(DavRequest request)
    {
        var body = await DavRequestReader.ReadAsync(request.Context.Request, request.Aborted)
            ?? throw new DavRequestException(StatusCodes.Status400BadRequest, "A REPORT needs a body naming the report.");
        var handler = services.GetRequiredService<CalDavHandler>();
        var (resource, failure) = await handler.ResourceAsync(request);
        if (resource is null)
        {
            return failure!;
        }

        if (resource.Kind != DavResourceKind.Calendar || !(body.Name == DavNames.SyncCollection || body.Name == DavNames.CalendarMultiget || body.Name == DavNames.CalendarQuery))
        {
            return DavXmlResult.Error(StatusCodes.Status403Forbidden, DavNames.Dav + "supported-report");
        }

        if (body.Name == DavNames.SyncCollection)
        {
            return await sync.RunAsync(request, resource, body);
        }

        if (body.Name == DavNames.CalendarMultiget)
        {
            return new MultistatusResult(CalendarMultigetReport.Run(request, resource, body), request.Tree.IsPrivate);
        }

        var (members, refused) = await query.RunAsync(request, resource, body);
        return refused ?? new MultistatusResult(members, request.Tree.IsPrivate);
    }

    /// <summary>The properties a report asks for (DAV:prop; DAV:allprop or nothing: getetag, as clients expect).</summary>
    public static IReadOnlyList<XName> Props(XElement body) =>
        PropfindRequest.NamesIn(body.Element(DavNames.Prop)) ?? [DavNames.GetETag];

    /// <summary>An object's response with the asked-for properties (calendar-data included when asked).</summary>
    public static DavMember ObjectResponse(DavResource calendar, CalendarEntry entry, IReadOnlyList<XName> props) =>
        DavMember.Of(
            new DavResource(DavResourceKind.Object, calendar.Tree.ObjectHref(calendar.Calendar!, entry.Name), calendar.Tree, calendar.Calendar, calendar.Index, entry),
            props);
}
