using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeedProxy.Push.Sending;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Tests.Push;

/// <summary>
/// Webhooks on the embedded store: one signed POST per change item, verified with the
/// Standard Webhooks reference library, retried under the same webhook-id after a failure.
/// The clock is a <see cref="FakeTimeProvider"/> starting now (receivers reject old timestamps).
/// </summary>
public sealed class WebhookTests : IDisposable
{
    private const string Token = "test-admin-token-0123456789";
    private static readonly string[] TestConf = ["testconf"];
    private static readonly string[] All = ["all"];
    private readonly FeedProxyFactory _factory = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly CallbackServer _receiver = new();

    public WebhookTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        _factory.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "true";
        _factory.Settings["FeedProxy:PublicBaseUrl"] = "https://feeds.example.org";
        _factory.WithServices(services => services.AddSingleton<TimeProvider>(_clock));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _receiver.Dispose();
    }

    private HttpClient Admin()
    {
        var client = _factory.CreatePlainClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    [Fact]
    public async Task Change_IsDeliveredSigned_AndRetriedAfterA500UnderTheSameId()
    {
        using var admin = Admin();
        string secret;
        using (var put = await admin.PutAsync(new Uri("/admin/webhooks/chat", UriKind.Relative), Json(new { url = _receiver.Url("/hook").AbsoluteUri, events = TestConf })))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            using var created = JsonDocument.Parse(await put.Content.ReadAsStringAsync());
            secret = created.RootElement.GetProperty("secret").GetString()!;
            Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        }

        var worker = _factory.Services.GetRequiredService<DeliveryWorker>();
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var idleAfterRetry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Attempted += (_, result) =>
        {
            if (result == "retry")
            {
                retried.TrySetResult();
            }
        };
        worker.Idle += () =>
        {
            if (retried.Task.IsCompleted)
            {
                idleAfterRetry.TrySetResult();
            }
        };

        _receiver.NextStatuses.Enqueue(500);
        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Parsing Calendars Safely, Revised"));

        var first = await _receiver.NextAsync();
        Assert.Equal("POST", first.Method);
        await idleAfterRetry.Task.WaitAsync(Eventually.Deadline);
        // The first retry comes within 10 s.
        _clock.Advance(TimeSpan.FromSeconds(10));
        var second = await _receiver.NextAsync();

        Assert.Equal(first.Headers["webhook-id"], second.Headers["webhook-id"]);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(["ok session.retitled", "ok session.retitled"], await StandardWebhooksVerifier.VerifyAsync(secret, [first, second]));
        Assert.Equal(["invalid No matching signature found"], await StandardWebhooksVerifier.VerifyAsync("whsec_" + Convert.ToBase64String(new byte[32]), [second]));

        using var payload = JsonDocument.Parse(second.Text);
        var data = payload.RootElement.GetProperty("data");
        Assert.Equal("testconf", data.GetProperty("event").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("collection").ValueKind);
        Assert.Equal("Parsing Calendars Safely, Revised", data.GetProperty("session").GetProperty("title").GetString());
        Assert.Equal("s1-testconf@tests.feedproxy.example", data.GetProperty("session").GetProperty("uid").GetString());
        Assert.Equal("Parsing Calendars Safely", data.GetProperty("previous").GetProperty("title").GetString());
        Assert.DoesNotContain(TestEvents.SecretEmail, second.Text, StringComparison.Ordinal);

        using var status = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/admin/webhooks/chat", UriKind.Relative)));
        Assert.False(status.RootElement.TryGetProperty("secret", out _));
        var counts = status.RootElement.GetProperty("status");
        Assert.Equal(1, counts.GetProperty("delivered").GetInt64());
        Assert.Equal(1, counts.GetProperty("failures").GetInt32());
        Assert.Equal("answered 500", counts.GetProperty("lastError").GetString());
        Assert.Equal(2, _receiver.Requests.Count);

        var metrics = await _factory.CreatePlainClient().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches("feedproxy_push_deliveries_total\\{[^}]*result=\"retry\"[^}]*\\} 1", metrics);
        Assert.Matches("feedproxy_push_deliveries_total\\{[^}]*result=\"delivered\"[^}]*\\} 1", metrics);
        Assert.Contains("feedproxy_push_queue_pending", metrics, StringComparison.Ordinal);
        Assert.Contains("feedproxy_push_subscriptions", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PendingRetry_SurvivesARestart_AndKeepsItsId()
    {
        using (var admin = Admin())
        using (var put = await admin.PutAsync(new Uri("/admin/webhooks/chat", UriKind.Relative), Json(new { url = _receiver.Url("/hook").AbsoluteUri, events = TestConf })))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _factory.Services.GetRequiredService<DeliveryWorker>().Attempted += (_, result) =>
        {
            if (result == "retry")
            {
                retried.TrySetResult();
            }
        };
        _receiver.NextStatuses.Enqueue(503);
        _factory.WriteEvent("testconf", TestEvents.Conference(title: "Before The Restart"));
        var first = await _receiver.NextAsync();
        await retried.Task.WaitAsync(Eventually.Deadline);
        await _factory.Host.StopAsync();

        // A new process over the same state folder, its clock past the retry's due time.
        var later = new FakeTimeProvider(_clock.GetUtcNow().AddSeconds(10));
        using var restarted = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(later)));
        _ = restarted.Services.GetRequiredService<DeliveryWorker>();
        var second = await _receiver.NextAsync();
        Assert.Equal(first.Headers["webhook-id"], second.Headers["webhook-id"]);
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task AdminApi_ValidatesReplacesAndDeletes()
    {
        using var admin = Admin();
        using (var bad = await admin.PutAsync(new Uri("/admin/webhooks/x", UriKind.Relative), Json(new { url = "ftp://example.org/", events = Array.Empty<string>(), secret = "nope" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var text = await bad.Content.ReadAsStringAsync();
            Assert.Contains("\"url\"", text, StringComparison.Ordinal);
            Assert.Contains("\"secret\"", text, StringComparison.Ordinal);
            Assert.Contains("\"events\"", text, StringComparison.Ordinal);
        }

        var secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        using (var put = await admin.PutAsync(new Uri("/admin/webhooks/x", UriKind.Relative), Json(new { url = "https://hooks.example.org/a", collections = All, secret })))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.DoesNotContain("whsec_", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var replace = await admin.PutAsync(new Uri("/admin/webhooks/x", UriKind.Relative), Json(new { url = "https://hooks.example.org/b", events = TestConf })))
        {
            Assert.Equal(HttpStatusCode.OK, replace.StatusCode);
            Assert.DoesNotContain("whsec_", await replace.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var list = await admin.GetStringAsync(new Uri("/admin/webhooks", UriKind.Relative));
        Assert.Contains("https://hooks.example.org/b", list, StringComparison.Ordinal);
        using (var unauthorised = await _factory.CreatePlainClient().GetAsync(new Uri("/admin/webhooks/x", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        }

        using (var delete = await admin.DeleteAsync(new Uri("/admin/webhooks/x", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var missing = await admin.GetAsync(new Uri("/admin/webhooks/x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://10.0.0.5/hook")]
    public async Task PrivateReceivers_AreRefusedByDefault(string url)
    {
        _factory.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = "false";
        using var admin = Admin();
        using var put = await admin.PutAsync(new Uri("/admin/webhooks/inside", UriKind.Relative), Json(new { url, events = TestConf }));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("AllowPrivateNetworks", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
