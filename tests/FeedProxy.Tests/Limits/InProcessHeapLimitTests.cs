using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Limits;

/// <summary>
/// The managed heap limit derived from the cache budget is process-wide. An in-process host
/// (Alba / WebApplicationFactory runs the entry point on into Run) shares the test process
/// with every other test, so it must never set it: a 256 MB limit there made the whole test
/// process run out of memory.
/// </summary>
public sealed class InProcessHeapLimitTests : IClassFixture<FeedProxyFactory>
{
    private readonly FeedProxyFactory _factory;

    public InProcessHeapLimitTests(FeedProxyFactory factory) => _factory = factory;

    [Fact]
    public async Task AnInProcessHost_LeavesTheProcessHeapUnlimited()
    {
        var response = await _factory.Host.Server.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative));
        response.EnsureSuccessStatusCode();

        Assert.Null(AppContext.GetData("GCHeapHardLimit"));
    }
}
