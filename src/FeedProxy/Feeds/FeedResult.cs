using FeedProxy.Rendering;

namespace FeedProxy.Feeds;

/// <summary>Outcome of asking for a feed (event, collection or change feed).</summary>
internal abstract record FeedResult
{
    /// <param name="Entry">Where the feed is cached, for which version and hour; null for a stale fallback.</param>
    public sealed record Found(RenderedFeed Feed, bool IsPrivate, CacheEntry? Entry = null) : FeedResult;

    public sealed record NotFound(string Detail) : FeedResult;

    public sealed record Invalid(string Detail) : FeedResult;

    /// <summary>The store failed and nothing was cached to fall back on.</summary>
    public sealed record Unavailable(string Detail) : FeedResult;

    /// <summary>The answer needs a render and the client's budget for expensive work is spent.</summary>
    public sealed record Limited(TimeSpan RetryAfter) : FeedResult;

    /// <summary>The feed answer to a pipeline outcome; <paramref name="notFound"/> is the text for an unknown or hidden subject.</summary>
    public static FeedResult From(in RenderOutcome<RenderedFeed> outcome, string notFound) => outcome.Status switch
    {
        RenderStatus.Found => new Found(outcome.Payload!, outcome.IsPrivate, outcome.Entry),
        RenderStatus.NotFound => new NotFound(outcome.Detail ?? notFound),
        RenderStatus.Invalid => new Invalid(outcome.Detail!),
        RenderStatus.Unavailable => new Unavailable(outcome.Detail!),
        RenderStatus.Limited => new Limited(outcome.RetryAfter),
        _ => new NotFound(notFound),
    };
}
