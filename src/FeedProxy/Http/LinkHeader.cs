using Microsoft.Extensions.Primitives;

namespace FeedProxy.Http;

/// <summary>
/// Adds values to the response's Link header (RFC 8288) without replacing those that other
/// features added: each feature appends its own links, and every link is its own field value.
/// </summary>
internal static class LinkHeader
{
    /// <summary>Appends <c>&lt;target&gt;; rel="relation"</c>.</summary>
    public static void Append(HttpResponse response, Uri target, string relation)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(target);
        var value = "<" + target.AbsoluteUri + ">; rel=\"" + relation + "\"";
        var existing = response.Headers.Link;
        response.Headers.Link = StringValues.Concat(existing, value);
    }
}
