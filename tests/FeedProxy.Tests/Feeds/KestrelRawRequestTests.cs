using System.Net.Sockets;
using System.Text;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// Requests the in-memory test server cannot even express (NUL bytes, raw CR/LF, huge
/// paths) sent as raw bytes to the real Kestrel server.
/// </summary>
public sealed class KestrelRawRequestTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();
    private readonly Uri _address;

    public KestrelRawRequestTests()
    {
        _address = _factory.StartKestrel();
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>
    /// The raw response, or "" when the server dropped the connection without one (Kestrel
    /// answers a malformed request line with 400 and closes; a reset can overtake the answer).
    /// </summary>
    private async Task<string> SendRawAsync(string requestLine)
    {
        var address = _address;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        using var stream = tcp.GetStream();
        var bytes = Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(bytes);
            await stream.CopyToAsync(received);
        }
        catch (IOException)
        {
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static void AssertRefusedWithoutServerError(string response)
    {
        if (response.Length == 0)
        {
            return; // connection refused outright: not a 500
        }

        var status = int.Parse(response.AsSpan(9, 3), provider: null);
        Assert.InRange(status, 400, 404);
    }

    [Theory]
    [InlineData("GET /events/%00.ics HTTP/1.1")]
    [InlineData("GET /events/a%00b.ics HTTP/1.1")]
    [InlineData("GET /events/..%2f..%2fetc%2fpasswd.ics HTTP/1.1")]
    [InlineData("GET /events/../../etc/passwd.ics HTTP/1.1")]
    [InlineData("GET /events/%c0%ae%c0%ae.ics HTTP/1.1")]
    [InlineData("GET /events/%ff.ics HTTP/1.1")]
    public async Task HostileRawPaths_Are4xxNever500(string requestLine)
    {
        AssertRefusedWithoutServerError(await SendRawAsync(requestLine));
    }

    [Fact]
    public async Task FiveThousandCharacterId_Is4xxNever500()
    {
        AssertRefusedWithoutServerError(await SendRawAsync($"GET /events/{new string('x', 5000)}.ics HTTP/1.1"));
    }

    [Fact]
    public async Task ServesTheCalendarOverRealHttp()
    {
        var response = await SendRawAsync("GET /events/testconf.ics HTTP/1.1");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/calendar; charset=utf-8", response, StringComparison.Ordinal);
    }
}
