using System.Diagnostics.Metrics;
using FeedProxy.Caching;
using FeedProxy.Feeds;
using FeedProxy.Observability;
using FeedProxy.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace FeedProxy.Tests.Rendering;

public sealed class RenderPipelineTests : IDisposable
{
    private readonly ServiceProvider _metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MemoryFeedCacheStore _cache = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly FeedMetrics _metrics;
    private readonly CompletionWorker _completions = new();

    public RenderPipelineTests() => _metrics = new FeedMetrics(_metricsServices.GetRequiredService<IMeterFactory>());

    public void Dispose()
    {
        _completions.Dispose();
        _metrics.Dispose();
        _metricsServices.Dispose();
    }

    /// <summary>A pipeline over the shared cache: a new one is a new process as far as the cache can tell.</summary>
    private RenderPipeline NewPipeline(ILogger<RenderPipeline>? logger = null, CompletionWorker? completions = null) =>
        new(_cache, Options.Create(new FeedProxyOptions()), _time, _metrics, completions ?? _completions, logger ?? NullLogger<RenderPipeline>.Instance);

    private static TestRequest Request(string id, bool isPrivate = false) => new(id, CacheKeys.Join(id, isPrivate ? "p" : "-"), isPrivate);

    /// <summary>A kind whose render starts (<c>Started</c>) and then waits until the test releases it (<c>Release</c>).</summary>
    private static (TextKind Kind, TaskCompletionSource Started, TaskCompletionSource Release) HeldRender(string body)
    {
        var kind = new TextKind();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kind.Render = async request =>
        {
            started.TrySetResult();
            await release.Task;
            return RenderOutcome<string>.Rendered(body);
        };
        return (kind, started, release);
    }

    [Fact]
    public async Task ConcurrentMisses_ShareOneRender_AndOnlyTheRequestThatStartsItSpendsBudget()
    {
        var pipeline = NewPipeline();
        var (kind, started, release) = HeldRender("shared body");
        var charges = 0;
        TimeSpan? Admit()
        {
            Interlocked.Increment(ref charges);
            return null;
        }

        var first = pipeline.GetAsync(kind, Request("a"), Admit, CancellationToken.None).AsTask();
        await started.Task;
        var joiners = Enumerable.Range(0, 5).Select(_ => pipeline.GetAsync(kind, Request("a"), Admit, CancellationToken.None).AsTask()).ToList();
        release.SetResult();

        foreach (var outcome in await Task.WhenAll([first, .. joiners]))
        {
            Assert.Equal(RenderStatus.Found, outcome.Status);
            Assert.Equal("shared body", outcome.Payload);
        }

        Assert.Equal(1, kind.RenderCount);
        Assert.Equal(1, charges);
    }

    [Fact]
    public async Task AJoinerWhoseClientHasNoBudgetLeft_IsStillAnswered()
    {
        var pipeline = NewPipeline();
        var (kind, started, release) = HeldRender("body");

        var first = pipeline.GetAsync(kind, Request("a"), admitRender: null, CancellationToken.None).AsTask();
        await started.Task;
        var refused = pipeline.GetAsync(kind, Request("a"), () => TimeSpan.FromSeconds(1), CancellationToken.None).AsTask();
        release.SetResult();

        Assert.Equal("body", (await first).Payload);
        Assert.Equal(RenderStatus.Found, (await refused).Status);
        // A client without budget that would start a render is refused.
        Assert.Equal(RenderStatus.Limited, (await pipeline.GetAsync(kind, Request("b"), () => TimeSpan.FromSeconds(3), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task HitsAndHiddenAnswers_SpendNoBudget_AndRenderNothing()
    {
        var pipeline = NewPipeline();
        var kind = new TextKind();
        var hidden = new TextKind("hiddentext") { Render = _ => Task.FromResult(RenderOutcome<string>.HiddenOutcome) };
        var charges = 0;
        TimeSpan? Admit()
        {
            charges++;
            return null;
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RenderStatus.Found, (await pipeline.GetAsync(kind, Request("a"), Admit, CancellationToken.None)).Status);
            Assert.Equal(RenderStatus.Hidden, (await pipeline.GetAsync(hidden, Request("a"), Admit, CancellationToken.None)).Status);
        }

        Assert.Equal(2, charges);
        Assert.Equal(1, kind.RenderCount);
        Assert.Equal(1, hidden.RenderCount);

        // Unknown (no version) is hidden too, and costs no budget.
        kind.Version = null;
        Assert.Equal(RenderStatus.Hidden, (await pipeline.GetAsync(kind, Request("a"), Admit, CancellationToken.None)).Status);
        Assert.Equal(2, charges);
    }

    [Fact]
    public async Task TheHiddenMarker_IsOneAndTheSameForEveryKind()
    {
        var pipeline = NewPipeline();
        var text = new TextKind { Render = _ => Task.FromResult(RenderOutcome<string>.HiddenOutcome) };
        var feeds = new TestFeedKind(_ => RenderOutcome<RenderedFeed>.HiddenOutcome);
        var request = Request("secret");

        Assert.Equal(RenderStatus.Hidden, (await pipeline.GetAsync(text, request, null, CancellationToken.None)).Status);
        Assert.Equal(RenderStatus.Hidden, (await pipeline.GetAsync(feeds, request, null, CancellationToken.None)).Status);

        var hour = pipeline.CurrentHour();
        var textMarker = await _cache.GetAsync(CacheKeys.Entry(text.Name, "v1", hour, request.Representation), CancellationToken.None);
        var feedMarker = await _cache.GetAsync(CacheKeys.Entry(feeds.Name, "v1", hour, request.Representation), CancellationToken.None);
        Assert.NotNull(textMarker);
        Assert.Equal(textMarker, feedMarker);
        Assert.Null(text.Unpack(textMarker));
        Assert.Null(feeds.Unpack(feedMarker!));
    }

    [Fact]
    public async Task AStoreFailure_IsAnsweredWithTheLastGoodPayload_EvenByAFreshPipeline_AndLoggedOncePerOutage()
    {
        var first = NewPipeline();
        var kind = new TextKind();
        Assert.Equal("body of a", (await first.GetAsync(kind, Request("a", isPrivate: true), null, CancellationToken.None)).Payload);

        // Nothing of the first pipeline or kind survives: the pointer is in the cache.
        var logger = new CountingLogger<RenderPipeline>();
        var restarted = NewPipeline(logger);
        var failing = new TextKind { StoreFailure = new InvalidOperationException("store down") };
        for (var i = 0; i < 3; i++)
        {
            var stale = await restarted.GetAsync(failing, Request("a", isPrivate: true), null, CancellationToken.None);
            Assert.Equal(RenderStatus.Found, stale.Status);
            Assert.Equal("body of a", stale.Payload);
            Assert.Null(stale.Entry);
            Assert.True(stale.IsPrivate);
        }

        Assert.Equal(RenderStatus.Unavailable, (await restarted.GetAsync(failing, Request("never-rendered"), null, CancellationToken.None)).Status);
        failing.StoreFailure = null;
        Assert.Equal(RenderStatus.Found, (await restarted.GetAsync(failing, Request("a", isPrivate: true), null, CancellationToken.None)).Status);
        Assert.Equal(1, logger.Count(2002));
        Assert.Equal(1, logger.Count(2005));
    }

    [Fact]
    public async Task APartialPayload_IsCompletedOffTheRequestPath_AndCachedOnlyWhenComplete()
    {
        var pipeline = NewPipeline();
        var body = new byte[4096];
        Array.Fill(body, (byte)'x');
        var kind = new TestFeedKind(_ => RenderOutcome<RenderedFeed>.Rendered(
            new RenderedFeed(body, default, default, "hash", Instant.FromUnixTimeSeconds(0), codingsPending: true)));

        // Identity is served by the partial feed at once; gzip waits for the completion.
        var identity = await pipeline.GetAsync(kind, Request("a"), null, CancellationToken.None);
        Assert.True(identity.Payload!.CodingsPending);
        var gzip = await pipeline.GetAsync(kind, Request("a") with { Wanted = ContentCoding.Gzip }, null, CancellationToken.None);
        Assert.True(gzip.Payload!.Has(ContentCoding.Gzip));

        await pipeline.WhenIdleAsync();
        var cached = await pipeline.GetCachedAsync(kind, identity.Entry!, CancellationToken.None);
        Assert.NotNull(cached);
        Assert.False(cached.CodingsPending);
        Assert.True(cached.Has(ContentCoding.Brotli));
    }

    [Fact]
    public async Task ACodingMissingFromThePartialFeed_IsMadeFast_WithoutWaitingForTheBestCodings_AndKeepsItsETag()
    {
        var pipeline = NewPipeline();
        var body = System.Text.Encoding.ASCII.GetBytes(string.Join("\n", Enumerable.Range(0, 2_000).Select(i => $"SUMMARY:Session {i * 7919 % 1000} in room {i % 13}")));
        var kind = new TestFeedKind(request => RenderOutcome<RenderedFeed>.Rendered(FeedRenderer.With(
            new RenderedFeed(body, default, default, "hash", Instant.FromUnixTimeSeconds(0), codingsPending: true), request.Wanted)));
        var completing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        kind.BeforeComplete = () =>
        {
            completing.TrySetResult();
            release.Wait();
        };

        var gzip = await pipeline.GetAsync(kind, Request("a") with { Wanted = ContentCoding.Gzip }, null, CancellationToken.None);
        await completing.Task;
        // The best codings are being made (held): brotli is made at the fast level for this request.
        var brotli = await pipeline.GetAsync(kind, Request("a") with { Wanted = ContentCoding.Brotli }, null, CancellationToken.None);
        Assert.True(brotli.Payload!.CodingsPending);
        Assert.True(brotli.Payload.Has(ContentCoding.Brotli));
        Assert.True(brotli.Payload.Has(ContentCoding.Gzip));
        Assert.Equal(gzip.Payload!.Gzip.ToArray(), brotli.Payload.Gzip.ToArray());

        release.Set();
        await pipeline.WhenIdleAsync();
        var cached = await pipeline.GetCachedAsync(kind, gzip.Entry!, CancellationToken.None);
        Assert.NotNull(cached);
        Assert.False(cached.CodingsPending);
        foreach (var (coding, fast) in new[] { (ContentCoding.Gzip, gzip.Payload), (ContentCoding.Brotli, brotli.Payload) })
        {
            // Other bytes (the best level), the same entity tag (the identity bytes' hash and the coding).
            Assert.True(cached.Body(coding).Length < fast.Body(coding).Length, $"{coding}: {cached.Body(coding).Length} against {fast.Body(coding).Length}");
            Assert.Equal(fast.ETag(coding), cached.ETag(coding));
            Assert.Equal(body, Decode(coding, cached.Body(coding)));
            Assert.Equal(body, Decode(coding, fast.Body(coding)));
        }
    }

    [Fact]
    public async Task WhenTheBackgroundCompletionsAreFullyBooked_AFeedIsCachedWithItsFastCodings_UnderTheSameETags()
    {
        using var completions = new CompletionWorker(maxQueued: 1);
        var pipeline = NewPipeline(completions: completions);
        var body = System.Text.Encoding.ASCII.GetBytes(string.Join("\n", Enumerable.Range(0, 2_000).Select(i => $"SUMMARY:Session {i * 7919 % 1000} in room {i % 13}")));
        var kind = new TestFeedKind(request => RenderOutcome<RenderedFeed>.Rendered(FeedRenderer.With(
            new RenderedFeed(body, default, default, "hash", Instant.FromUnixTimeSeconds(0), codingsPending: true), request.Wanted)));
        var completing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        kind.BeforeComplete = () =>
        {
            completing.TrySetResult();
            release.Wait();
        };

        // The first feed's best codings hold the only place; the second feed's are refused.
        var held = await pipeline.GetAsync(kind, Request("a") with { Wanted = ContentCoding.Gzip }, null, CancellationToken.None);
        await completing.Task;
        var quick = await pipeline.GetAsync(kind, Request("b") with { Wanted = ContentCoding.Gzip }, null, CancellationToken.None);
        await kind.CompletedQuickly.Task;
        release.Set();
        await pipeline.WhenIdleAsync();

        Assert.Equal(1, completions.Refused);
        var cached = await pipeline.GetCachedAsync(kind, quick.Entry!, CancellationToken.None);
        Assert.NotNull(cached);
        Assert.False(cached.CodingsPending);
        Assert.Equal(quick.Payload!.Gzip.ToArray(), cached.Gzip.ToArray());
        Assert.Equal(quick.Payload.ETag(ContentCoding.Gzip), cached.ETag(ContentCoding.Gzip));
        Assert.Equal(body, Decode(ContentCoding.Brotli, cached.Brotli));
        var best = await pipeline.GetCachedAsync(kind, held.Entry!, CancellationToken.None);
        Assert.NotNull(best);
        Assert.True(best.Gzip.Length < held.Payload!.Gzip.Length);
    }

    private static byte[] Decode(ContentCoding coding, ReadOnlyMemory<byte> bytes)
    {
        using var input = new MemoryStream(bytes.ToArray());
        using Stream decoder = coding == ContentCoding.Gzip
            ? new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.BrotliStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private sealed class CountingLogger<T> : ILogger<T>
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<int> _events = [];

        public int Count(int eventId) => _events.Count(e => e == eventId);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _events.Add(eventId.Id);
    }
}
