using System.Net.Sockets;
using System.Text;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Limits;

/// <summary>Malformed Host headers, sent as raw bytes to real Kestrel: 4xx on feeds and pages, never 500.</summary>
public sealed class MalformedHostTests(MalformedHostTests.Server server) : IClassFixture<MalformedHostTests.Server>
{
    private readonly Uri _address = server.Address;

    /// <summary>One real server for every case (starting one per case is slow).</summary>
    public sealed class Server : IDisposable
    {
        public Server()
        {
            Address = Factory.StartKestrel();
        }

        public FeedProxyFactory Factory { get; } = new();

        public Uri Address { get; }

        public void Dispose() => Factory.Dispose();
    }

    private async Task<int?> StatusAsync(string head)
    {
        var address = _address;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        using var stream = tcp.GetStream();
        var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "Connection: close\r\n\r\n"));
            await stream.CopyToAsync(received);
        }
        catch (IOException)
        {
        }

        var text = Encoding.ASCII.GetString(received.ToArray());
        return text.Length >= 12 ? int.Parse(text.AsSpan(9, 3), provider: null) : null;
    }

    public static TheoryData<string> Heads()
    {
        var data = new TheoryData<string>();
        foreach (var path in new[] { "/events/testconf.ics", "/events/testconf.rss", "/events/testconf/sessions/s1.ics" })
        {
            data.Add($"GET {path} HTTP/1.1\r\nHost: a..b\r\n");
            data.Add($"GET {path} HTTP/1.1\r\nHost: \r\n");
            data.Add($"GET {path} HTTP/1.1\r\nHost: x:99999\r\n");
            data.Add($"GET {path} HTTP/1.1\r\nHost: {new string('a', 1000)}\r\n");
            data.Add($"GET {path} HTTP/1.0\r\n");
        }

        data.Add("GET /events/testconf HTTP/1.1\r\nAccept: text/html\r\nHost: a..b\r\n");
        data.Add("GET /events/testconf HTTP/1.0\r\nAccept: text/html\r\n");
        return data;
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public async Task MalformedOrMissingHost_Is4xx(string head)
    {
        var status = await StatusAsync(head);

        // null: Kestrel refused the request line outright, which is not a 500 either.
        if (status is { } code)
        {
            Assert.InRange(code, 400, 499);
        }
    }
}
