using FeedProxy.Http;

namespace FeedProxy.Push;

/// <summary>
/// WebSub discovery (W3C WebSub section 4): every public feed response names the hub and its
/// own URL, the exact string to use as hub.topic, in Link headers.
/// </summary>
internal static class HubLinks
{
    /// <summary>The hub endpoint under the base URL.</summary>
    public const string HubPath = "hub";

    public static Uri HubUrl(Uri baseUrl) => new(baseUrl, HubPath);

    /// <summary>
    /// The Link value naming the hub (rel="hub") and the topic URL (rel="self") when the request
    /// is for a public feed URL (never a token or agenda URL), else null. It is part of the
    /// remembered response, so answers of the revalidation fast path carry it too.
    /// </summary>
    public static string? For(HttpContext context, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value;
        if (!Topic.TryParsePath(path, out var topic))
        {
            return null;
        }

        // Change feeds ignore the query, so their topic is the plain URL.
        var query = topic!.IsChangeFeed ? string.Empty : context.Request.QueryString.ToUriComponent();
        return LinkHeader.Value(HubUrl(baseUrl), "hub") + ", " + LinkHeader.Value(new Uri(baseUrl, path!.TrimStart('/') + query), "self");
    }
}
