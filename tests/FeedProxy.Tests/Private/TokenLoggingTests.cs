using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FeedProxy.Private;
using FeedProxy.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedProxy.Tests.Private;

/// <summary>
/// Private tokens never reach a log, at any level of any category: the router logs request
/// paths at Debug, Kestrel logs bad request targets, the exception handler logs failures.
/// Real Kestrel, every category at Trace.
/// </summary>
public sealed class TokenLoggingTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();
    private Uri _address = null!;
    private readonly ConcurrentQueue<string> _sink = new();

    public TokenLoggingTests()
    {
        _factory.WriteEvent("hidden", TestEvents.Conference("hidden", visibility: "private"));
        _factory.Settings["Logging:LogLevel:Default"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft.AspNetCore.Routing"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft.AspNetCore.Server.Kestrel"] = "Trace";
        _factory.Settings["Logging:LogLevel:FeedProxy"] = "Trace";
        _factory.WithLogging(l => l.AddProvider(new SinkProvider(_sink)).SetMinimumLevel(LogLevel.Trace));
        _address = _factory.StartKestrel();
    }

    public void Dispose() => _factory.Dispose();

    private async Task SendRawAsync(string head)
    {
        var address = _address;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        using var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "\r\nConnection: close\r\n\r\n"));
            await stream.CopyToAsync(Stream.Null);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Token_NeverAppearsInLogs_AtAnyLevel()
    {
        var token = await _factory.Services.GetRequiredService<PrivateAccess>().RotateAsync("hidden", CancellationToken.None);
        var guessed = AccessTokens.NewToken();
        using var client = new HttpClient { BaseAddress = _address };

        using (var ok = await client.GetAsync(new Uri($"/private/{token}/events/hidden.ics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        foreach (var url in new[]
        {
            $"/private/{token}/events/hidden.xcs?track=nosuch",
            $"/private/{token}/events/hidden/sessions/s1.ics",
            $"/private/{token}/events/hidden/sessions/nosuch.ics",
            $"/private/{token}/events/nosuch.ics",
            $"/private/{token}/events/hidden.nosuch",
            $"/private/{guessed}/events/hidden.ics",
        })
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        }

        // Requests Kestrel itself refuses, whose target it may log.
        await SendRawAsync($"GET /private/{token}/events/hidden.ics\u0001 HTTP/1.1\r\nHost: localhost");
        await SendRawAsync($"GET /private/{token}/events/hidden.ics HTTP/1.1\r\nHost: a..b");
        await SendRawAsync($"GET /private/{token}/events/hidden.ics HTTP/9.9\r\nHost: localhost");

        // Kestrel logs a refusal before it answers and closes the connection (its messages below
        // Warning are filtered out by RequestLogRedaction anyway): once each raw request has
        // read its answer to the end, whatever was logged of it is in the sink.
        Assert.NotEmpty(_sink);
        var leaks = _sink.Where(line => line.Contains(token, StringComparison.Ordinal) || line.Contains(guessed, StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(10)));
    }
}
