using FeedProxy.Formats.Model;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Json;

namespace FeedProxy.Push;

/// <summary>What a feed URL shows: an event or a collection.</summary>
internal enum TopicKind
{
    Event,
    Collection,
}

/// <summary>
/// A public feed URL as a WebSub topic: /events/{id}.{ext}, /collections/{id}.{ext} and their
/// change feeds /events/{id}/changes.{rss|atom}, /collections/{id}/changes.{rss|atom}. Private
/// (token) and personal (agenda) URLs are never topics: nothing about them may be pushed.
/// </summary>
internal sealed record Topic(TopicKind Kind, string Id, FeedFormat Format, bool IsChangeFeed)
{
    /// <summary>"event" or "collection", as stored.</summary>
    public string KindName => Kind == TopicKind.Event ? "event" : "collection";

    /// <summary>The path segment under the base URL: "events" or "collections".</summary>
    public string Segment => Kind == TopicKind.Event ? "events" : "collections";

    public static bool TryParsePath(string? path, out Topic? topic)
    {
        topic = null;
        if (path is null)
        {
            return false;
        }

        TopicKind kind;
        string rest;
        if (path.StartsWith("/events/", StringComparison.Ordinal))
        {
            kind = TopicKind.Event;
            rest = path[8..];
        }
        else if (path.StartsWith("/collections/", StringComparison.Ordinal))
        {
            kind = TopicKind.Collection;
            rest = path[13..];
        }
        else
        {
            return false;
        }

        var changes = false;
        string id;
        string extension;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var tail = rest[(slash + 1)..];
            if (tail is not ("changes.rss" or "changes.atom"))
            {
                return false;
            }

            changes = true;
            id = rest[..slash];
            extension = tail[8..];
        }
        else
        {
            var dot = rest.LastIndexOf('.');
            if (dot <= 0)
            {
                return false;
            }

            id = rest[..dot];
            extension = rest[(dot + 1)..];
        }

        if (!ScheduleId.IsValid(id) || !FeedFormats.TryFromExtension(extension, out var format))
        {
            return false;
        }

        topic = new Topic(kind, id, format, changes);
        return true;
    }

    /// <summary>
    /// A topic URL given to the hub: absolute, under this server's base URL, a public feed path.
    /// </summary>
    public static bool TryParseUrl(string? url, Uri baseUrl, out Topic? topic, out Uri? parsed)
    {
        topic = null;
        parsed = null;
        if (url is null || url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0)
        {
            return false;
        }

        var root = baseUrl.AbsoluteUri;
        if (!uri.AbsoluteUri.StartsWith(root, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        parsed = uri;
        return TryParsePath("/" + uri.AbsolutePath[new Uri(root).AbsolutePath.Length..], out topic);
    }
}
