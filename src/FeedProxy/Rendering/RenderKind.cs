using System.Collections.Concurrent;

namespace FeedProxy.Rendering;

/// <summary>
/// One kind of cached render (event feeds, collection feeds, change feeds, ...): how its
/// subject is versioned, how it is loaded and rendered, and how the payload is stored as
/// bytes. <see cref="RenderPipeline"/> does the rest (keys, cache, single-flight, budget,
/// hidden marker, stale-if-error, outage logging, background completion). Registered once
/// (a singleton): an instance holds its kind's renders in flight.
/// </summary>
/// <typeparam name="TRequest">What one request carries to the version lookup and the render.</typeparam>
/// <typeparam name="TPayload">What is cached: a rendered feed with its codings, or any packed payload.</typeparam>
internal abstract class RenderKind<TRequest, TPayload>
    where TRequest : IRenderRequest
    where TPayload : class
{
    /// <param name="name">First part of every cache key of the kind ("feed", "collection", ...): unique per kind.</param>
    protected RenderKind(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    public string Name { get; }

    /// <summary>True when the output depends on the clock (selection windows, retention): entries are then per hour.</summary>
    public virtual bool Hourly => true;

    /// <summary>Tag of every entry about the subject (evicting it drops them all); also the subject of its first-seen times.</summary>
    public abstract string CacheTag(string id);

    /// <summary>
    /// The subject's current version; null when it does not exist or is not shown to this
    /// reader at all (answered <see cref="RenderStatus.Hidden"/>, nothing cached). Runs on
    /// every request, hits and 304s included, so it must be cheap (in memory while nothing
    /// changed). Throws when the store fails: the pipeline then serves the last good payload.
    /// </summary>
    public abstract ValueTask<string?> GetVersionAsync(TRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Loads and renders on a miss. Runs once per cache key however many requests wait for
    /// it, with no caller's cancellation. Returns <see cref="RenderOutcome{T}.Rendered"/>
    /// (cached), <see cref="RenderOutcome{T}.HiddenOutcome"/> (the hidden marker is cached),
    /// or <see cref="RenderOutcome{T}.Missing"/> / <see cref="RenderOutcome{T}.Rejected"/>
    /// (not cached). Throws when the store fails: the pipeline then serves the last good payload.
    /// </summary>
    public abstract Task<RenderOutcome<TPayload>> RenderAsync(TRequest request, CacheEntry entry);

    /// <summary>The payload as stored in the byte cache.</summary>
    public abstract byte[] Pack(TPayload payload);

    /// <summary>A stored payload; null when the bytes are not one (written by another version). Must not change the array.</summary>
    public abstract TPayload? Unpack(byte[] packed);

    /// <summary>True for a payload that answers requests but is completed off the request path (<see cref="Complete"/>) before it is cached.</summary>
    public virtual bool IsPartial(TPayload payload) => false;

    /// <summary>The cacheable payload; runs in the background after a partial one answered.</summary>
    public virtual TPayload Complete(TPayload partial) => partial;

    /// <summary>
    /// A cacheable payload made with less work than <see cref="Complete"/>, when the background
    /// completions are too far behind to take more (<see cref="CompletionWorker"/>).
    /// </summary>
    public virtual TPayload CompleteQuickly(TPayload partial) => Complete(partial);

    /// <summary>
    /// A payload that answers this request made from a partial one (the partial itself, or it
    /// with what this request needs added at little cost); null when the request waits for
    /// <see cref="Complete"/>.
    /// </summary>
    public virtual TPayload? Serve(TRequest request, TPayload partial) => partial;

    internal SingleFlight<string, RenderOutcome<TPayload>> Renders { get; } = new(StringComparer.Ordinal);

    // Payloads answered before they were complete: until the complete one is cached, requests
    // find them here (and wait for completion when the partial one does not serve them).
    internal ConcurrentDictionary<string, Completion<TPayload>> Completing { get; } = new(StringComparer.Ordinal);

    internal Outage Outage { get; } = new();
}

/// <summary>A payload answered before it was complete, and the moment it is.</summary>
internal sealed class Completion<TPayload>(TPayload partial)
    where TPayload : class
{
    private readonly TaskCompletionSource<TPayload> _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TPayload _partial = partial;

    /// <summary>The payload requests are answered with until the complete one is cached.</summary>
    public TPayload Partial => Volatile.Read(ref _partial);

    public Task<TPayload> Complete => _complete.Task;

    /// <summary>A partial payload that answers more requests (<see cref="RenderKind{TRequest, TPayload}.Serve"/>), for those that follow.</summary>
    public void Offer(TPayload better) => Volatile.Write(ref _partial, better);

    public void Done(TPayload complete) => _complete.TrySetResult(complete);
}
