using System.Xml.Linq;
using FeedProxy.Http;
using NodaTime;

namespace FeedProxy.CalDav;

/// <summary>
/// Dispatches a DAV request by method. Read-only by design: the schedule is edited where it
/// lives, so every write method is refused with 403 and DAV:need-privileges (RFC 3744 §7.1.1)
/// on resources that exist, 404 elsewhere.
/// </summary>
internal sealed partial class CalDavHandler(CalendarIndexService indexes, PropfindHandler propfind, ReportHandler reports)
{
    /// <summary>What OPTIONS advertises (RFC 4918 §10.1, RFC 4791 §5.1): class 1 and 3, no locking (class 2), calendar-access.</summary>
    public const string DavHeader = "1, 3, calendar-access";

    public const string Allow = "OPTIONS, GET, HEAD, PROPFIND, REPORT";

    public async Task<IResult> HandleAsync(DavRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.Context.Request.Method;
        request.Context.Response.Headers["DAV"] = DavHeader;
        try
        {
            switch (method.ToUpperInvariant())
            {
                case "OPTIONS":
                    request.Context.Response.Headers.Allow = Allow;
                    return Results.Ok();
                case "GET":
                case "HEAD":
                    return await GetAsync(request);
                case "PROPFIND":
                    return await propfind.HandleAsync(request);
                case "REPORT":
                    return await reports.HandleAsync(request);
                case "PUT":
                case "DELETE":
                case "MKCALENDAR":
                case "MKCOL":
                case "PROPPATCH":
                case "MOVE":
                case "COPY":
                case "LOCK":
                case "UNLOCK":
                case "ACL":
                case "POST":
                    return await RefuseWriteAsync(request);
                default:
                    request.Context.Response.Headers.Allow = Allow;
                    return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
            }
        }
        catch (DavRequestException ex)
        {
            return ex.Condition is { } condition
                ? DavXmlResult.Error(ex.Status, condition)
                : DavXmlResult.Problem(ex.Status, ex.Message);
        }
    }

    /// <summary>The calendar's index, or the answer to give instead (404, 429, 503).</summary>
    public async ValueTask<(CalendarIndex? Index, IResult? Failure)> LoadAsync(DavRequest request, CalendarRef calendar)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await indexes.GetAsync(calendar, request.BaseUrl, request.Admit, request.Aborted);
        return result switch
        {
            IndexResult.Found found => (found.Index, null),
            IndexResult.Limited limited => (null, Problems.TooManyRequests(limited.RetryAfter)),
            IndexResult.Unavailable unavailable => (null, Problems.Unavailable(unavailable.Detail)),
            _ => (null, NotFound()),
        };
    }

    public static IResult NotFound() => Problems.NotFound("Nothing at this URL.");

    /// <summary>The resource a target names now, or the answer to give instead.</summary>
    public async ValueTask<(DavResource? Resource, IResult? Failure)> ResourceAsync(DavRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.Target;
        var tree = request.Tree;
        switch (target.Kind)
        {
            case DavResourceKind.Root:
                return (new DavResource(DavResourceKind.Root, tree.Root, tree), null);
            case DavResourceKind.Principal:
                return (new DavResource(DavResourceKind.Principal, tree.Principal, tree), null);
            case DavResourceKind.Home:
                return (new DavResource(DavResourceKind.Home, tree.Home, tree), null);
        }

        var calendar = target.Calendar!;
        var (index, failure) = await LoadAsync(request, calendar);
        if (index is null)
        {
            return (null, failure);
        }

        if (target.Kind == DavResourceKind.Calendar)
        {
            return (new DavResource(DavResourceKind.Calendar, tree.CalendarHref(calendar), tree, calendar, index), null);
        }

        return index.Find(target.ObjectName!) is { } entry
            ? (new DavResource(DavResourceKind.Object, tree.ObjectHref(calendar, entry.Name), tree, calendar, index, entry), null)
            : (null, NotFound());
    }

    private async Task<IResult> GetAsync(DavRequest request)
    {
        var (resource, failure) = await ResourceAsync(request);
        if (resource is null)
        {
            return failure!;
        }

        if (resource.Kind != DavResourceKind.Object)
        {
            // Collections have no body here: their members are read with PROPFIND and REPORT.
            request.Context.Response.Headers.Allow = "OPTIONS, PROPFIND, REPORT";
            return Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
        }

        return new CalendarObjectResult(resource.Entry!, resource.Index!.LastModified, request.Tree.IsPrivate);
    }

    private async Task<IResult> RefuseWriteAsync(DavRequest request)
    {
        var target = request.Target;
        var (resource, failure) = await ResourceAsync(request);
        var href = resource?.Href;
        if (resource is null && target.Kind == DavResourceKind.Object)
        {
            // A new member of a calendar that exists: refused by the calendar's missing bind privilege.
            var (index, _) = await LoadAsync(request, target.Calendar!);
            href = index is null ? null : request.Tree.CalendarHref(target.Calendar!);
        }

        if (href is null)
        {
            return failure ?? NotFound();
        }

        return DavXmlResult.Error(StatusCodes.Status403Forbidden, DavNames.NeedPrivileges,
            new XElement(DavNames.Resource, new XElement(DavNames.Href, href), new XElement(DavNames.Privilege, new XElement(DavNames.Write))));
    }
}

/// <summary>A calendar object resource: strong ETag, conditional GET/HEAD (RFC 9110 §13).</summary>
internal sealed class CalendarObjectResult(CalendarEntry entry, Instant lastModified, bool isPrivate) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.Headers.ETag = entry.ETag;
        response.Headers.LastModified = lastModified.ToDateTimeUtc().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        // Revalidated on every use: the whole point of the object is to be current.
        response.Headers.CacheControl = isPrivate ? "private, no-cache" : "no-cache";
        if (ConditionalRequest.IsNotModified(httpContext.Request, entry.ETag, lastModified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/calendar; charset=utf-8";
        response.ContentLength = entry.Data.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(entry.Data, httpContext.RequestAborted);
        }
    }
}
