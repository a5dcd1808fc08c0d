using FeedProxy.Rendering;

namespace FeedProxy.CalDav;

/// <summary>Outcome of asking for a calendar's objects.</summary>
internal abstract record IndexResult
{
    public sealed record Found(CalendarIndex Index) : IndexResult;

    /// <summary>No such calendar here (unknown, unpublished, or private outside its token: all alike).</summary>
    public sealed record NotFound : IndexResult;

    public sealed record Unavailable(string Detail) : IndexResult;

    public sealed record Limited(TimeSpan RetryAfter) : IndexResult;
}

/// <summary>A calendar's current objects, through the render pipeline (<see cref="CalendarIndexKind"/>).</summary>
internal sealed class CalendarIndexService(RenderPipeline pipeline, CalendarIndexKind kind)
{
    /// <param name="admit">Asked only when this request would start a render (a split, and the feed render it may need): null admits.</param>
    public async ValueTask<IndexResult> GetAsync(CalendarRef calendar, Uri baseUrl, Func<TimeSpan?>? admit, CancellationToken cancellationToken)
    {
        var outcome = await pipeline.GetAsync(kind, new CalendarIndexRequest(calendar, baseUrl), admit, cancellationToken);
        return outcome.Status switch
        {
            RenderStatus.Found => new IndexResult.Found(outcome.Payload!),
            RenderStatus.Limited => new IndexResult.Limited(outcome.RetryAfter),
            RenderStatus.Unavailable => new IndexResult.Unavailable(outcome.Detail ?? "The schedule store is unavailable. Try again shortly."),
            _ => new IndexResult.NotFound(),
        };
    }
}
