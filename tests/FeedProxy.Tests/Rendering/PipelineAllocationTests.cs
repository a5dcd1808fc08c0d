using FeedProxy.Feeds;
using FeedProxy.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FeedProxy.Tests.Rendering;

public sealed class PipelineAllocationTests(ITestOutputHelper output) : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ACachedFeed_IsAnsweredByTheFullPipeline_Synchronously_AllocatingLessThan800Bytes()
    {
        var feeds = _factory.Services.GetRequiredService<FeedService>();
        Assert.True(FeedRequest.TryParse("testconf.ics", new QueryCollection(), null, out var request, out _));
        var baseUrl = new Uri("http://localhost/");
        var selfUrl = new Uri("http://localhost/events/testconf.ics");
        Assert.IsType<FeedResult.Found>(await feeds.GetAsync(request!, baseUrl, selfUrl, false, CancellationToken.None));
        // The complete feed is cached once the background compression ends.
        await _factory.Services.GetRequiredService<FeedProxy.Rendering.RenderPipeline>().WhenIdleAsync();

        // No await inside the measured loop: only this thread's allocations are counted. The
        // first pass warms up (lazy statics, tiering); the second is measured.
        var perRequest = 0.0;
        for (var pass = 0; pass < 2; pass++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++)
            {
                var pending = feeds.GetAsync(request!, baseUrl, selfUrl, false, CancellationToken.None);
                Assert.True(pending.IsCompletedSuccessfully);
            }

            perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / 1_000.0;
        }

        output.WriteLine($"{perRequest:F0} bytes per cached request");
        // 912 bytes before the pipeline was shared (a closure per call, the key parts joined
        // twice); 720 with it. The bound fails on the former.
        Assert.True(perRequest < 800, $"{perRequest:F0} bytes per cached request");
    }
}
