using System.Collections.Concurrent;
using System.Net;
using FeedProxy.FastPath;
using FeedProxy.Private;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Tests.FastPath;

/// <summary>
/// Where the fast path sits relative to the request-log scope (RevalidationStage): a poll it
/// answers opens no scope while the request log is below Debug (the scope was all a 304
/// allocated), and at Debug it answers inside the scope and its request line is written.
/// </summary>
public sealed class FastPathRequestLogTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();
    private readonly ConcurrentQueue<string> _sink = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task BelowDebug_AnAnsweredPoll_OpensNoRequestScope()
    {
        var (before, after) = await PollAtAsync("Information");

        Assert.True(before > 0, "the rendering request ran inside a request scope");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task AtDebug_AnAnsweredPoll_IsLoggedInsideItsScope()
    {
        var (before, after) = await PollAtAsync("Debug");

        Assert.True(after > before, "the poll ran inside a request scope");
        Assert.Single(_sink, line => line.Contains("/events/testconf.ics -> 304", StringComparison.Ordinal));
    }

    // A render, then a conditional poll the fast path answers with 304: request scopes
    // opened before and after the poll.
    private async Task<(int Before, int After)> PollAtAsync(string requestLogLevel)
    {
        _factory.Settings["Logging:LogLevel:" + RequestLogRedaction.Category] = requestLogLevel;
        var client = Start();
        using var first = await KnownAsync(client);
        var before = Scopes();

        using var poll = await PollAsync(client, first.Headers.ETag!.Tag);

        Assert.Equal(HttpStatusCode.NotModified, poll.StatusCode);
        return (before, Scopes());
    }

    private HttpClient Start()
    {
        _factory.WithLogging(l => l.AddProvider(new SinkProvider(_sink)));
        return _factory.CreatePlainClient();
    }

    // Until the fast path knows the URL (a feed is remembered once all its codings are made).
    private async Task<HttpResponseMessage> KnownAsync(HttpClient client)
    {
        var known = _factory.Services.GetRequiredService<KnownFeeds>();
        HttpResponseMessage? last = null;
        await Eventually.TrueAsync(async () =>
        {
            last?.Dispose();
            last = await client.GetAsync(new Uri("/events/testconf.ics", UriKind.Relative));
            return known.Count == 1;
        });

        return last!;
    }

    private int Scopes() => _sink.Count(line => line.StartsWith(RequestLogRedaction.Category + " scope:", StringComparison.Ordinal));

    private static async Task<HttpResponseMessage> PollAsync(HttpClient client, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/events/testconf.ics", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        return await client.SendAsync(request);
    }
}
