using FeedProxy.Feeds;

namespace FeedProxy.Rendering;

/// <summary>A request for a rendered feed: the coding the client prefers is made before answering.</summary>
internal interface IFeedRenderRequest : IRenderRequest
{
    ContentCoding Wanted { get; }
}

/// <summary>
/// Kinds whose payload is a <see cref="RenderedFeed"/>: rendered to identity bytes plus the
/// coding the first client wants at a fast level, answered at once, and cached only once
/// every coding is made at the best level off the request path (so the shared cache never
/// holds a feed another instance would compress again).
/// </summary>
internal abstract class RenderedFeedKind<TRequest>(string name) : RenderKind<TRequest, RenderedFeed>(name)
    where TRequest : IFeedRenderRequest
{
    public override byte[] Pack(RenderedFeed payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload.Pack();
    }

    public override RenderedFeed? Unpack(byte[] packed) => RenderedFeed.Unpack(packed);

    public override bool IsPartial(RenderedFeed payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload.CodingsPending;
    }

    public override RenderedFeed Complete(RenderedFeed partial) => FeedRenderer.Complete(partial);

    public override RenderedFeed CompleteQuickly(RenderedFeed partial) => FeedRenderer.CompleteQuickly(partial);

    /// <summary>The partial feed, with the coding this request wants added at the fast level when it lacks it.</summary>
    public override RenderedFeed Serve(TRequest request, RenderedFeed partial)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(partial);
        return FeedRenderer.With(partial, request.Wanted);
    }
}
