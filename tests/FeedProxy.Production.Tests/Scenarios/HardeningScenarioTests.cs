using System.Net;
using System.Text;
using FeedProxy.Production.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// Issue 9 reproductions that need the real PostgreSQL: instants at the calendar's ends used
/// to be saved and then break every read; private feeds and admin calls during an outage
/// answered 500; tokens were stored as they are handed out.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (IAsyncLifetime)
public sealed class HardeningScenarioTests : IAsyncLifetime
{
    private ScenarioServers _servers = null!;
    private AppInstance _app = null!;

    public async Task InitializeAsync()
    {
        _servers = await ScenarioServers.StartAsync();
        _app = _servers.Instance();
        using var put = await SendAsync(HttpMethod.Put, "/admin/events/scenario", AppInstance.EventJson("Opening Session"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _app.AdminClient().SendAsync(request);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T01:00:00Z")]
    [InlineData("0000-01-01T00:00:00Z", "0000-01-01T01:00:00Z")]
    [InlineData("9999-12-31T23:00:00+14:00", "9999-12-31T23:59:00+14:00")]
    public async Task SessionAtTheCalendarsEnds_IsRefusedAndReadingKeepsWorking(string start, string end)
    {
        var session = $$"""{ "title": "Edge", "start": "{{start}}", "end": "{{end}}", "room": "r1" }""";
        using (var put = await SendAsync(HttpMethod.Put, "/admin/events/scenario/sessions/edge", session))
        {
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        }

        var whole = AppInstance.EventJson("Opening Session").Replace("2027-02-06T10:00:00+01:00", start, StringComparison.Ordinal);
        using (var put = await SendAsync(HttpMethod.Put, "/admin/events/scenario", whole))
        {
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        }

        using var list = await SendAsync(HttpMethod.Get, "/admin/events");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var feed = await _app.Client().GetAsync(new Uri("/events/scenario.ics?tz=utc", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
    }

    [Fact]
    public async Task PostgresStopped_PrivateFeedsAndAdminAre503WithRetryAfter()
    {
        using (var put = await SendAsync(HttpMethod.Put, "/admin/events/hidden", AppInstance.EventJson("Hidden").Replace("\"name\":", "\"visibility\": \"private\", \"name\":", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var token = await _app.Host.Services.GetRequiredService<FeedProxy.Private.PrivateAccess>().RotateAsync("hidden", CancellationToken.None);
        await _servers.Postgres.StopAsync();
        try
        {
            string[] urls = [$"/private/{token}/events/hidden.ics?tz=utc", "/admin/events", "/admin/events/scenario"];
            foreach (var url in urls)
            {
                using var response = await _app.AdminClient().GetAsync(new Uri(url, UriKind.Relative));
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{url}: {(int)response.StatusCode}");
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        finally
        {
            await _servers.Postgres.StartAgainAsync();
        }
    }

    [Fact]
    public async Task PrivateTokens_AreStoredHashed_AndPlainTokensFromBeforeKeepWorking()
    {
        using (var put = await SendAsync(HttpMethod.Put, "/admin/events/hidden", AppInstance.EventJson("Hidden").Replace("\"name\":", "\"visibility\": \"private\", \"name\":", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var token = await _app.Host.Services.GetRequiredService<FeedProxy.Private.PrivateAccess>().RotateAsync("hidden", CancellationToken.None);
        await using var data = NpgsqlDataSource.Create(_servers.Database);
        await using (var read = data.CreateCommand("SELECT private_token FROM events WHERE id = 'hidden'"))
        {
            var stored = (string)(await read.ExecuteScalarAsync())!;
            Assert.StartsWith("sha256:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        }

        using (var ok = await _app.Client().GetAsync(new Uri($"/private/{token}/events/hidden.ics", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // A token stored before hashing (what migration 0005 rewrites) is still accepted.
        var legacy = FeedProxy.Private.AccessTokens.NewToken();
        await using (var write = data.CreateCommand($"UPDATE events SET private_token = '{legacy}' WHERE id = 'hidden'"))
        {
            await write.ExecuteNonQueryAsync();
        }

        using var old = await _app.Client().GetAsync(new Uri($"/private/{legacy}/events/hidden.rss", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }
}
