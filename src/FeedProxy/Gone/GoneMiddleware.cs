using FeedProxy.Push;

namespace FeedProxy.Gone;

/// <summary>
/// Answers 410 Gone (RFC 9110 section 15.5.11) with a problem body for every feed URL and the
/// subscribe page of a deleted public event or collection, before the endpoints look for it.
/// </summary>
internal static class GoneMiddleware
{
    public static IApplicationBuilder UseGoneFeeds(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var tombstones = context.RequestServices.GetRequiredService<Tombstones>();
            if (!tombstones.IsEmpty
                && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                && Deleted(context.Request.Path.Value) is { } target
                && tombstones.IsGone(target.Kind, target.Id))
            {
                var noun = target.Kind == TopicKind.Event ? "event" : "collection";
                await Results.Problem(
                    $"The {noun} '{target.Id}' was deleted; remove this subscription.",
                    statusCode: StatusCodes.Status410Gone,
                    title: "Gone").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>/events/{id}…, /collections/{id}…: the id of the event or collection the path is about.</summary>
    internal static (TopicKind Kind, string Id)? Deleted(string? path)
    {
        if (path is null)
        {
            return null;
        }

        TopicKind kind;
        int start;
        if (path.StartsWith("/events/", StringComparison.Ordinal))
        {
            (kind, start) = (TopicKind.Event, 8);
        }
        else if (path.StartsWith("/collections/", StringComparison.Ordinal))
        {
            (kind, start) = (TopicKind.Collection, 13);
        }
        else
        {
            return null;
        }

        var rest = path.AsSpan(start);
        var end = rest.IndexOf('/');
        var file = end < 0 ? rest : rest[..end];
        // The extension is part of the file, never of the id when it is a feed format.
        var dot = file.LastIndexOf('.');
        if (dot > 0 && FeedProxy.Formats.Feeds.FeedFormats.TryFromExtension(file[(dot + 1)..].ToString(), out _))
        {
            file = file[..dot];
        }

        return file.IsEmpty ? null : (kind, file.ToString());
    }
}
