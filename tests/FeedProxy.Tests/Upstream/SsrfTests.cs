using System.Net;
using FeedProxy.Testing;
using Xunit.Abstractions;

namespace FeedProxy.Tests.Upstream;

/// <summary>The admin API must not become a way into the server's network: addresses are checked at connect time, on every hop.</summary>
public sealed class SsrfTests(ITestOutputHelper output)
{
    private const string Calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270101T100000Z\r\nSUMMARY:Internal\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    [Fact]
    public async Task Loopback_IsRefused_WhenPrivateNetworksAreNotAllowed()
    {
        using var host = new SourceTestHost(allowPrivate: false);
        host.Upstream.Set("/internal.ics", Calendar, "text/calendar");
        using (var put = await host.PutSourceAsync("internal", new { kind = "ics", url = host.Upstream.Url("/internal.ics").AbsoluteUri }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var status = await host.RefreshAsync("internal");
        output.WriteLine(status.ToString());

        Assert.Equal("error", status.GetProperty("lastResult").GetString());
        Assert.Contains("not public", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Upstream.Requests);
        Assert.Equal(HttpStatusCode.NotFound, (await host.FeedAsync("/events/internal.ics")).Status);
    }

    [Theory]
    [InlineData("http://127.0.0.2:{port}/internal.ics")]
    [InlineData("http://[::ffff:127.0.0.2]:{port}/internal.ics")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:{port}/internal.ics")]
    public async Task RedirectToAnInternalAddress_IsRefused(string target)
    {
        // Only the upstream's own address is allowed (as an operator would allow one internal server).
        using var host = new SourceTestHost(allowPrivate: false, new() { ["FeedProxy:Upstream:AllowedNetworks:0"] = "127.0.0.1/32" });
        host.Upstream.Set("/internal.ics", Calendar, "text/calendar");
        host.Upstream.Redirect("/public.ics", target.Replace("{port}", host.Upstream.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using (await host.PutSourceAsync("hop", new { kind = "ics", url = host.Upstream.Url("/public.ics").AbsoluteUri }))
        {
        }

        var status = await host.RefreshAsync("hop");
        output.WriteLine(status.ToString());

        Assert.Equal("error", status.GetProperty("lastResult").GetString());
        Assert.Contains("not public", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Upstream.Requests, r => r.Path == "/internal.ics");
        Assert.Contains(host.Upstream.Requests, r => r.Path == "/public.ics" && r.Status == 302);
    }

    [Fact]
    public async Task TooManyRedirects_AreRefused()
    {
        using var host = new SourceTestHost();
        for (var i = 0; i < 8; i++)
        {
            host.Upstream.Redirect($"/r{i}", host.Upstream.Url($"/r{i + 1}").AbsoluteUri);
        }

        using (await host.PutSourceAsync("loop", new { kind = "ics", url = host.Upstream.Url("/r0").AbsoluteUri }))
        {
        }

        var status = await host.RefreshAsync("loop");
        Assert.Contains("redirects", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        // Each refresh (the one the PUT started, and this one) follows 5 redirects and stops at the 6th answer.
        // The refresh the PUT started may still be following its hops: wait for them.
        var hops = await Eventually.ValueAsync(() => Task.FromResult(host.Upstream.Requests.Count(r => r.Path.StartsWith("/r", StringComparison.Ordinal))), n => n is 6 or 12);
        Assert.True(hops is 6 or 12, $"{hops} requests");
        Assert.DoesNotContain(host.Upstream.Requests, r => r.Path is "/r6" or "/r7" or "/r8");
    }

    [Fact]
    public async Task BodyOverTheSizeCap_IsRefused()
    {
        using var host = new SourceTestHost(settings: new() { ["FeedProxy:Upstream:MaxResponseMegabytes"] = "1" });
        host.Upstream.Set("/huge.ics", new byte[1_200_000], "text/calendar");
        using (await host.PutSourceAsync("huge", new { kind = "ics", url = host.Upstream.Url("/huge.ics").AbsoluteUri }))
        {
        }

        var status = await host.RefreshAsync("huge");
        Assert.Contains("larger than 1 MB", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }
}
