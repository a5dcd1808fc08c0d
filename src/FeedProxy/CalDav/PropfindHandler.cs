using System.Xml.Linq;
using FeedProxy.Collections;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;

namespace FeedProxy.CalDav;

/// <summary>
/// PROPFIND (RFC 4918 §9.1) at Depth 0 or 1. Depth: infinity is refused with
/// DAV:propfind-finite-depth (§9.1, §16): the tree is shallow and a client never needs it.
/// An absent Depth is read as 0 rather than infinity, so a client that omits it still gets an answer.
/// </summary>
internal sealed class PropfindHandler(IEventStore events, ICollectionStore collections, IServiceProvider services)
{
    private CalDavHandler Handler => services.GetRequiredService<CalDavHandler>();

    public async Task<IResult> HandleAsync(DavRequest request)
    {
        var depth = request.Depth(absent: 0);
        if (depth is null)
        {
            return DavXmlResult.Problem(StatusCodes.Status400BadRequest, "Depth must be 0, 1 or infinity.");
        }

        if (depth < 0)
        {
            return DavXmlResult.Error(StatusCodes.Status403Forbidden, DavNames.PropfindFiniteDepth);
        }

        var body = PropfindRequest.Parse(await DavRequestReader.ReadAsync(request.Context.Request, request.Aborted));
        var (resource, failure) = await Handler.ResourceAsync(request);
        if (resource is null)
        {
            return failure!;
        }

        var responses = new List<DavMember> { DavMember.Of(resource, body.For(resource), body.NamesOnly) };
        if (depth == 1)
        {
            var (children, childFailure) = await ChildrenAsync(request, resource);
            if (childFailure is not null)
            {
                return childFailure;
            }

            responses.AddRange(children.Select(child => DavMember.Of(child, body.For(child), body.NamesOnly)));
        }

        return new MultistatusResult(responses, request.Tree.IsPrivate);
    }

    private async ValueTask<(IReadOnlyList<DavResource> Children, IResult? Failure)> ChildrenAsync(DavRequest request, DavResource resource)
    {
        var tree = request.Tree;
        switch (resource.Kind)
        {
            case DavResourceKind.Root when !tree.IsPrivate:
                return ([new DavResource(DavResourceKind.Principal, tree.Principal, tree), new DavResource(DavResourceKind.Home, tree.Home, tree)], null);
            case DavResourceKind.Home:
                return await CalendarsAsync(request);
            case DavResourceKind.Calendar:
                return ([.. resource.Index!.Entries.Select(e => new DavResource(DavResourceKind.Object, tree.ObjectHref(resource.Calendar!, e.Name), tree, resource.Calendar, resource.Index, e))], null);
            default:
                return ([], null);
        }
    }

    /// <summary>
    /// The home's calendars: every published public event and every public collection (in
    /// the public tree), or the token's one calendar. Whether an event is served is asked of
    /// the feed pipeline itself, so a private or unpublished event is left out exactly as its
    /// feed is 404, at the cost of a cached lookup.
    /// </summary>
    private async ValueTask<(IReadOnlyList<DavResource>, IResult?)> CalendarsAsync(DavRequest request)
    {
        var tree = request.Tree;
        var candidates = new List<CalendarRef>();
        if (tree.Only is { } only)
        {
            candidates.Add(only);
        }
        else
        {
            var ids = await events.ListAsync(request.Aborted);
            candidates.AddRange(ids.Order(StringComparer.Ordinal).Select(id => new CalendarRef(false, id, null)));
            foreach (var collection in await collections.ListAsync(request.Aborted))
            {
                if (collection.Definition.Visibility == EventVisibility.Public)
                {
                    candidates.Add(new CalendarRef(true, collection.Definition.Id, null));
                }
            }
        }

        var list = new List<DavResource>(candidates.Count);
        foreach (var calendar in candidates)
        {
            var (index, failure) = await Handler.LoadAsync(request, calendar);
            if (index is not null)
            {
                list.Add(new DavResource(DavResourceKind.Calendar, tree.CalendarHref(calendar), tree, calendar, index));
            }
            else if (failure is not null && failure is not Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult { StatusCode: 404 })
            {
                return (list, failure);
            }
        }

        return (list, null);
    }
}
