using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using System.Web;

namespace FeedProxy.Testing;

/// <summary>One request as a push receiver saw it.</summary>
internal sealed record CallbackRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, IReadOnlyList<string> Links, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? Query(string name) => HttpUtility.ParseQueryString(new Uri("http://x" + PathAndQuery).Query)[name];
}

/// <summary>
/// A real HTTP server on a loopback port (HttpListener) standing in for a WebSub subscriber or
/// a webhook receiver: echoes hub.challenge on verification GETs (unless told not to),
/// answers POSTs with <see cref="NextStatuses"/> (then 200), and hands every request to the
/// test through a channel, so tests wait on requests arriving, never on time.
/// </summary>
internal sealed class CallbackServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Channel<CallbackRequest> _arrived = Channel.CreateUnbounded<CallbackRequest>();
    private readonly ConcurrentQueue<CallbackRequest> _all = new();
    private readonly Task _loop;

    public CallbackServer()
    {
        (_listener, BaseUrl) = LoopbackListener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseUrl { get; }

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    /// <summary>Statuses for the next POSTs, in order (e.g. 500 once, then the default 200).</summary>
    public ConcurrentQueue<int> NextStatuses { get; } = new();

    /// <summary>Whether verification GETs are confirmed by echoing the challenge.</summary>
    public bool EchoChallenge { get; set; } = true;

    public IReadOnlyList<CallbackRequest> Requests => [.. _all];

    /// <summary>The next request to arrive (or already arrived and not yet taken).</summary>
    public async Task<CallbackRequest> NextAsync()
    {
        using var deadline = new CancellationTokenSource(Eventually.Deadline);
        return await _arrived.Reader.ReadAsync(deadline.Token);
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer).ConfigureAwait(false);
        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!.ToLowerInvariant(), k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var links = request.Headers.GetValues("Link") ?? [];
        var seen = new CallbackRequest(request.HttpMethod, request.Url!.PathAndQuery, headers, links, buffer.ToArray());
        var response = context.Response;
        if (request.HttpMethod == "GET")
        {
            var challenge = seen.Query("hub.challenge");
            if (EchoChallenge && challenge is not null)
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(challenge);
                response.StatusCode = 200;
                await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            }
            else
            {
                response.StatusCode = 404;
            }
        }
        else
        {
            response.StatusCode = NextStatuses.TryDequeue(out var status) ? status : 200;
        }

        response.Close();
        _all.Enqueue(seen);
        _arrived.Writer.TryWrite(seen);
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
