using FeedProxy.Feeds;

namespace FeedProxy.Rendering;

/// <summary>A request for a rendered feed: the coding the client prefers is made before answering.</summary>
internal interface IFeedRenderRequest : IRenderRequest
{
    ContentCoding Wanted { get; }
}

/// <summary>
/// Kinds whose payload is a <see cref="RenderedFeed"/>: rendered to identity bytes plus the
/// coding the first client wants, answered at once, and cached only once the other codings
/// are made off the request path (so the shared cache never holds a feed another instance
/// would compress again).
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

    public override bool Serves(TRequest request, RenderedFeed payload)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(payload);
        return payload.Has(request.Wanted);
    }
}
