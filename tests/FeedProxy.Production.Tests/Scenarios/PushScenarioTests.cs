using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FeedProxy.Push.Sending;
using FeedProxy.Push.WebSub;
using FeedProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// Push with two instances on one PostgreSQL: a WebSub subscriber and a webhook receiver (real
/// loopback servers) hear of an edit made through the OTHER instance, once.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (IAsyncLifetime)
public sealed class PushScenarioTests : IAsyncLifetime
{
    private static readonly string[] Scenario = ["scenario"];

    private ScenarioServers _servers = null!;
    private AppInstance _a = null!;
    private AppInstance _b = null!;
    private readonly CallbackServer _receiver = new();

    public async Task InitializeAsync()
    {
        _servers = await ScenarioServers.StartAsync();
        _a = _servers.Instance();
        _b = _servers.Instance();
        foreach (var instance in new[] { _a, _b })
        {
            instance.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "true";
        }

        using var put = await PutEventAsync(_a, "Opening Session");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await _a.WaitUntilListeningAsync();
        await _b.WaitUntilListeningAsync();
    }

    public async Task DisposeAsync()
    {
        _receiver.Dispose();
        await _servers.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> PutEventAsync(AppInstance instance, string title)
    {
        using var content = new StringContent(AppInstance.EventJson(title), Encoding.UTF8, "application/json");
        return await instance.AdminClient().PutAsync(new Uri("/admin/events/scenario", UriKind.Relative), content);
    }

    /// <summary>Completes when both instances have turned the next change of the event into deliveries.</summary>
    private Task BothDispatchedAsync()
    {
        var waits = new[] { _a, _b }.Select(instance =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            instance.Host.Services.GetRequiredService<PushDispatcher>().Dispatched += id =>
            {
                if (id == "scenario")
                {
                    done.TrySetResult();
                }
            };
            return done.Task;
        });
        return Task.WhenAll(waits).WaitAsync(Eventually.Deadline);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_servers.Database);
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task WebSubSubscriber_ReceivesTheChangedFeedOnce_AfterAnEditOnTheOtherInstance()
    {
        var verified = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _a.Host.Services.GetRequiredService<HubVerifier>().Verified += (_, confirmed) => verified.TrySetResult(confirmed);
        var form = new Dictionary<string, string>
        {
            ["hub.mode"] = "subscribe",
            ["hub.topic"] = "http://localhost/events/scenario.atom",
            ["hub.callback"] = _receiver.Url("/websub").AbsoluteUri,
            ["hub.secret"] = "topic-secret",
        };
        using (var content = new FormUrlEncodedContent(form))
        using (var response = await _a.Client().PostAsync(new Uri("/hub", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var challenge = await _receiver.NextAsync();
        Assert.Equal("GET", challenge.Method);
        Assert.NotNull(challenge.Query("hub.challenge"));
        Assert.True(await verified.Task.WaitAsync(Eventually.Deadline));

        var dispatched = BothDispatchedAsync();
        using (var edit = await PutEventAsync(_b, "Moved Opening"))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var push = await _receiver.NextAsync();
        Assert.Equal("POST", push.Method);
        Assert.StartsWith("application/atom+xml", push.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("Moved Opening", push.Text, StringComparison.Ordinal);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("topic-secret"), push.Body)), push.Headers["x-hub-signature"]);

        await dispatched;
        Assert.True(await Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM push_deliveries WHERE state = 'delivered'") == 1));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM push_deliveries WHERE state <> 'delivered'"));
        Assert.Single(_receiver.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Webhook_IsDeliveredOnceAcrossInstances_AndVerifies()
    {
        string secret;
        using (var content = new StringContent(JsonSerializer.Serialize(new { url = _receiver.Url("/hook").AbsoluteUri, events = Scenario }), Encoding.UTF8, "application/json"))
        using (var put = await _a.AdminClient().PutAsync(new Uri("/admin/webhooks/room", UriKind.Relative), content))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            using var body = JsonDocument.Parse(await put.Content.ReadAsStringAsync());
            secret = body.RootElement.GetProperty("secret").GetString()!;
        }

        var dispatched = BothDispatchedAsync();
        using (var edit = await PutEventAsync(_b, "Renamed Opening"))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        var delivery = await _receiver.NextAsync();
        Assert.Equal(["ok session.retitled"], await StandardWebhooksVerifier.VerifyAsync(secret, [delivery]));
        await dispatched;
        Assert.True(await Eventually.TrueAsync(async () => await CountAsync("SELECT count(*) FROM push_deliveries WHERE state = 'delivered'") == 1));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM push_deliveries WHERE state <> 'delivered'"));
        Assert.Single(_receiver.Requests);

        // Both instances show the same status (it lives in the database).
        using var status = JsonDocument.Parse(await _b.AdminClient().GetStringAsync(new Uri("/admin/webhooks/room", UriKind.Relative)));
        Assert.Equal(1, status.RootElement.GetProperty("status").GetProperty("delivered").GetInt64());
        Assert.Equal(0, status.RootElement.GetProperty("status").GetProperty("failures").GetInt32());
    }
}
