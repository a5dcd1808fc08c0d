using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>What a PROPFIND body asks for (RFC 4918 §9.1, §14.20): named properties, allprop (with include), or propname.</summary>
internal sealed record PropfindRequest(IReadOnlyList<XName>? Names, bool NamesOnly, IReadOnlyList<XName> Include)
{
    public static readonly PropfindRequest AllProp = new(null, false, []);

    /// <summary>The asked-for names from a DAV:prop element (reports reuse it); null for none.</summary>
    public static IReadOnlyList<XName>? NamesIn(XElement? prop) =>
        prop is null ? null : [.. prop.Elements().Select(e => e.Name).Distinct()];

    public static PropfindRequest Parse(XElement? body)
    {
        // RFC 4918 §9.1: an empty body is allprop.
        if (body is null)
        {
            return AllProp;
        }

        if (body.Name != DavNames.Propfind)
        {
            throw new DavRequestException(StatusCodes.Status400BadRequest, "A PROPFIND body must be a DAV:propfind element.");
        }

        if (body.Element(DavNames.Prop) is { } prop)
        {
            return new PropfindRequest(NamesIn(prop), false, []);
        }

        if (body.Element(DavNames.PropName) is not null)
        {
            return new PropfindRequest(null, true, []);
        }

        if (body.Element(DavNames.AllProp) is not null)
        {
            return new PropfindRequest(null, false, NamesIn(body.Element(DavNames.Include)) ?? []);
        }

        throw new DavRequestException(StatusCodes.Status400BadRequest, "A DAV:propfind element needs prop, allprop or propname.");
    }

    /// <summary>The names to answer for one resource.</summary>
    public IReadOnlyList<XName>? For(DavResource resource) =>
        Names ?? (Include.Count == 0 ? null : [.. DavProperties.AllProp(resource).Union(Include)]);
}
