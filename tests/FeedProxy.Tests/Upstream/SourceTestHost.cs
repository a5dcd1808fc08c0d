using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using FeedProxy.Upstream;
using Microsoft.Extensions.DependencyInjection;

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
        foreach (var (key, value) in UpstreamServer.SourceSettings)
        {
            Factory.Settings[key] = value;
        }

        Factory.Settings["FeedProxy:Upstream:AllowPrivateNetworks"] = allowPrivate ? "true" : "false";
        Factory.WithServices(services => services.AddHttpClient(UpstreamFetcher.ClientName).ObservedBy(Upstream));
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

    /// <summary>
    /// Waits until a refresh of the source has completed (its status has a result) and returns
    /// that status. A feed answers 200 as soon as the schedule is stored, a moment before the
    /// refresh releases its claim; a refresh asked for in that moment joins the running one and
    /// reports its outcome.
    /// </summary>
    public async Task<JsonElement> WaitForRefreshAsync(string eventId)
    {
        static bool Completed(JsonElement status) =>
            status.TryGetProperty("lastResult", out var result) && result.ValueKind == JsonValueKind.String;

        var status = await Eventually.ValueAsync(() => StatusAsync(eventId), Completed);
        Assert.True(Completed(status), $"no refresh of '{eventId}' completed: {status}");
        return status;
    }

    /// <summary>The host's one clock: sources come due, and timeouts and retry delays pass, only when a test advances it.</summary>
    public DrivenClock Clock => Factory.Clock;

    /// <summary>How often the refresher looks for due sources here (<see cref="UpstreamServer.SourceSettings"/>).</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The next completed refresh of <paramref name="eventId"/> (the refresher's own signal),
    /// listened for from this call on: call it before whatever brings the refresh about.
    /// </summary>
    public Task<SourceStatus> NextRefresh(string eventId) => NextRefresh(Factory.Services, eventId);

    /// <inheritdoc cref="NextRefresh(string)"/>
    public static Task<SourceStatus> NextRefresh(IServiceProvider services, string eventId) => RefreshSignal.Next(eventId, services);

    /// <summary>
    /// Advances the clock by <paramref name="interval"/> (a source's interval) and waits for the
    /// refresh that makes due; <see cref="DriveAsync{T}"/> covers a loop that was between two
    /// polls when the clock moved.
    /// </summary>
    public Task<SourceStatus> AdvanceToNextRefreshAsync(string eventId, TimeSpan interval)
    {
        var next = NextRefresh(eventId);
        Clock.Advance(interval);
        return DriveAsync(next, Poll);
    }

    /// <summary>Waits for <paramref name="task"/> while moving the clock on by <paramref name="step"/> (<see cref="DrivenClock.DriveAsync{T}"/>).</summary>
    public Task<T> DriveAsync<T>(Task<T> task, TimeSpan step) => Clock.DriveAsync(task, step, Upstream);

    /// <summary>An admin refresh driven through the clock (retries, timeouts and caps pass as the test moves time).</summary>
    public Task<JsonElement> RefreshDrivenAsync(string eventId, TimeSpan step) => DriveAsync(RefreshAsync(eventId), step);

    public void Dispose()
    {
        _client?.Dispose();
        Factory.Dispose();
        Upstream.Dispose();
    }
}
