using System.Text;
using FeedProxy.Feeds;
using FeedProxy.Rendering;

namespace FeedProxy.Tests.Rendering;

internal sealed record TestRequest(string Id, string Representation, bool IsPrivate = false, ContentCoding Wanted = ContentCoding.Identity) : IFeedRenderRequest;

/// <summary>A kind with a payload of its own (text), as a kind-specific index would be: versions and renders are the test's to decide.</summary>
internal sealed class TextKind(string name = "text") : RenderKind<TestRequest, string>(name)
{
    private static readonly byte[] Magic = "TXT1"u8.ToArray();
    private int _renders;

    public string? Version { get; set; } = "v1";

    public Exception? StoreFailure { get; set; }

    public Func<TestRequest, Task<RenderOutcome<string>>> Render { get; set; } =
        request => Task.FromResult(RenderOutcome<string>.Rendered("body of " + request.Id));

    public int RenderCount => Volatile.Read(ref _renders);

    public override string CacheTag(string id) => "text:" + id;

    public override ValueTask<string?> GetVersionAsync(TestRequest request, CancellationToken cancellationToken) =>
        StoreFailure is { } failure ? ValueTask.FromException<string?>(failure) : ValueTask.FromResult(Version);

    public override Task<RenderOutcome<string>> RenderAsync(TestRequest request, CacheEntry entry)
    {
        Interlocked.Increment(ref _renders);
        return StoreFailure is { } failure ? Task.FromException<RenderOutcome<string>>(failure) : Render(request);
    }

    public override byte[] Pack(string payload) => [.. Magic, .. Encoding.UTF8.GetBytes(payload)];

    public override string? Unpack(byte[] packed) =>
        packed.AsSpan().StartsWith(Magic) ? Encoding.UTF8.GetString(packed.AsSpan(Magic.Length)) : null;
}

/// <summary>A kind of rendered feeds whose render the test supplies.</summary>
internal sealed class TestFeedKind(Func<TestRequest, RenderOutcome<RenderedFeed>> render) : RenderedFeedKind<TestRequest>("testfeed")
{
    public override string CacheTag(string id) => "testfeed:" + id;

    public override ValueTask<string?> GetVersionAsync(TestRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<string?>("v1");

    public override Task<RenderOutcome<RenderedFeed>> RenderAsync(TestRequest request, CacheEntry entry) => Task.FromResult(render(request));

    /// <summary>Runs on the completion's thread before the best codings are made (a test may hold it there).</summary>
    public Action? BeforeComplete { get; set; }

    public override RenderedFeed Complete(RenderedFeed partial)
    {
        BeforeComplete?.Invoke();
        return base.Complete(partial);
    }

    /// <summary>Set once a payload was completed the quick way (the background completions were fully booked).</summary>
    public TaskCompletionSource CompletedQuickly { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override RenderedFeed CompleteQuickly(RenderedFeed partial)
    {
        var complete = base.CompleteQuickly(partial);
        CompletedQuickly.TrySetResult();
        return complete;
    }
}
