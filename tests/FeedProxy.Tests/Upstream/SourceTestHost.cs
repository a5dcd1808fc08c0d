using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Upstream;

/// <summary>
/// A FeedProxy on the embedded store with the admin API, and a real upstream HTTP server on
/// loopback. Tests declare sources through the admin API and watch both sides.
/// </summary>
internal sealed class SourceTestHost : IDisposable
{
    public const string Token = "source-admin-token";

    public SourceTestHost(bool allowPrivate = true, Dictionary<string, string?>? settings = null)
    {
        Factory.Settings["FeedProxy:AdminToken"] = Token;
        Factory.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = allowPrivate ? "true" : "false";
        Factory.Settings["FeedProxy:Upstream:MinRefreshSeconds"] = "1";
        Factory.Settings["FeedProxy:Upstream:PollMilliseconds"] = "100";
        Factory.Settings["FeedProxy:Upstream:TimeoutSeconds"] = "3";
        Factory.Settings["FeedProxy:Upstream:AttemptTimeoutSeconds"] = "2";
        Factory.Settings["FeedProxy:Upstream:Retries"] = "1";
        Factory.Settings["FeedProxy:Upstream:RetryDelayMilliseconds"] = "50";
        foreach (var (key, value) in settings ?? [])
        {
            Factory.Settings[key] = value;
        }
    }

    public FeedProxyFactory Factory { get; } = new();

    public UpstreamServer Upstream { get; } = new();

    public HttpClient Client => _client ??= Factory.CreatePlainClient();

    private HttpClient? _client;

    public HttpClient Admin
    {
        get
        {
            var client = Factory.CreatePlainClient();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            return client;
        }
    }

    public async Task<HttpResponseMessage> PutSourceAsync(string eventId, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await Admin.PutAsync(new Uri($"/admin/events/{eventId}/source", UriKind.Relative), content);
    }

    public async Task<JsonElement> StatusAsync(string eventId) =>
        (await Admin.GetFromJsonAsync<JsonElement>(new Uri($"/admin/events/{eventId}/source", UriKind.Relative))).GetProperty("status");

    public async Task<JsonElement> RefreshAsync(string eventId)
    {
        using var response = await Admin.PostAsync(new Uri($"/admin/events/{eventId}/source/refresh", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status");
    }

    /// <summary>Status and ETag of a feed, and its body.</summary>
    public async Task<(HttpStatusCode Status, string? ETag, string Body)> FeedAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, response.Headers.ETag?.Tag, await response.Content.ReadAsStringAsync());
    }

    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }

    public void Dispose()
    {
        _client?.Dispose();
        Factory.Dispose();
        Upstream.Dispose();
    }
}
