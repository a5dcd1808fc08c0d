using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Observability;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Tests.FastPath;

/// <summary>
/// The fast path's version lookups show in the store metrics as the "version" operation, as
/// the full pipeline's do: most polls are answered by the fast path, so without them the
/// store latency on /metrics would describe only cache misses.
/// </summary>
public sealed class FastPathMetricsTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task AnEventVersionLookup_IsRecordedAsTheVersionStoreOperation()
    {
        var feeds = _factory.Services.GetRequiredService<FeedService>();
        using var operations = StoreOperations.Listen(_factory.Services);

        Assert.NotNull(await feeds.TryGetVersionAsync("testconf", CancellationToken.None));

        Assert.Equal(["version"], operations.Seen);
    }

    [Fact]
    public async Task ACollectionVersionLookup_IsRecordedAsTheVersionStoreOperation()
    {
        var collections = _factory.Services.GetRequiredService<CollectionFeedService>();
        using var operations = StoreOperations.Listen(_factory.Services);

        await collections.TryGetVersionAsync("no-such-collection", CancellationToken.None);

        Assert.Equal(["version"], operations.Seen);
    }

    /// <summary>The operation tags recorded on one host's store duration histogram.</summary>
    private sealed class StoreOperations : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<string?> _seen = new();

        public IReadOnlyCollection<string?> Seen => [.. _seen];

        public static StoreOperations Listen(IServiceProvider services)
        {
            var histogram = services.GetRequiredService<FeedMetrics>().StoreDuration;
            var operations = new StoreOperations();
            operations._listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, histogram))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            operations._listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "operation")
                    {
                        operations._seen.Enqueue(tag.Value as string);
                    }
                }
            });
            operations._listener.Start();
            return operations;
        }

        public void Dispose() => _listener.Dispose();
    }
}
