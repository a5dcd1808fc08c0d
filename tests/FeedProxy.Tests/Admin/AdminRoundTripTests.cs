using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using Json.Schema;

namespace FeedProxy.Tests.Admin;

/// <summary>
/// What the admin API writes is what it accepts: RFC 3339 times with full offsets, nothing
/// escaped that JSON does not require, and every event document it emits valid against the
/// published JSON Schema (config/event.schema.json).
/// </summary>
public sealed partial class AdminRoundTripTests : IDisposable
{
    private const string Token = "test-admin-token-0123456789";
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "config", "event.schema.json"))));

    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;

    public AdminRoundTripTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        _factory.WriteEvent("demo", File.ReadAllText(RepositoryPaths.DemoEvent));
        _client = _factory.CreatePlainClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public void Dispose() => _factory.Dispose();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [Theory]
    [InlineData("testconf")]
    [InlineData("demo")]
    public async Task Get_WritesRfc3339OffsetsUnescaped_AndValidatesAgainstTheSchema(string eventId)
    {
        var body = await GetAsync(eventId);

        Assert.DoesNotContain("\\u002B", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u0027", body, StringComparison.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(body);
        var sessions = document.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        Assert.NotEmpty(sessions);
        foreach (var session in sessions)
        {
            Assert.Matches(Rfc3339(), session.GetProperty("start").GetString()!);
            Assert.Matches(Rfc3339(), session.GetProperty("end").GetString()!);
            Assert.Matches(Rfc3339(), session.GetProperty("lastModified").GetString()!);
        }

        AssertValid(body);
    }

    [Fact]
    public async Task GetBody_PutBackUnchanged_IsAcceptedAndChangesNothing()
    {
        var before = await GetAsync("demo");
        using var etagBefore = await _client.GetAsync(new Uri("/events/demo.ics", UriKind.Relative));

        using var put = await PutAsync("/admin/events/demo", before);
        var putBody = await put.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        AssertValid(putBody);
        Assert.Equal(before, putBody);
        Assert.Equal(before, await GetAsync("demo"));
        using var etagAfter = await _client.GetAsync(new Uri("/events/demo.ics", UriKind.Relative));
        Assert.Equal(etagBefore.Headers.ETag, etagAfter.Headers.ETag);
    }

    [Fact]
    public async Task GetBody_PutUnderANewId_CreatesAnEqualEvent_AndEveryAnswerValidates()
    {
        var demo = await GetAsync("demo");
        var copy = demo.Replace("\"id\": \"demo\"", "\"id\": \"copy\"", StringComparison.Ordinal);

        using var created = await PutAsync("/admin/events/copy", copy);
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/admin/events/copy", created.Headers.Location?.OriginalString);
        AssertValid(createdBody);

        using var document = JsonDocument.Parse(demo);
        var session = document.RootElement.GetProperty("sessions")[0];
        using var sessionPut = await PutAsync($"/admin/events/copy/sessions/{session.GetProperty("id").GetString()}", session.GetRawText());
        AssertValid(await sessionPut.Content.ReadAsStringAsync());

        AssertValid(await GetAsync("copy"));
    }

    [Fact]
    public async Task SavedFile_IsWrittenTheSameWay()
    {
        using var put = await PutAsync("/admin/events/saved", (await GetAsync("testconf")).Replace("\"id\": \"testconf\"", "\"id\": \"saved\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var file = await File.ReadAllTextAsync(Path.Combine(_factory.EventsPath, "saved.json"));
        Assert.DoesNotContain("\\u002B", file, StringComparison.OrdinalIgnoreCase);
        AssertValid(file);
    }

    private static void AssertValid(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = result.Details?
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .ToList() ?? [];
        Assert.True(result.IsValid, "Schema violations:\n" + string.Join('\n', errors) + "\n" + json[..Math.Min(json.Length, 2000)]);
    }

    private async Task<string> GetAsync(string eventId)
    {
        using var response = await _client.GetAsync(new Uri($"/admin/events/{eventId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private Task<HttpResponseMessage> PutAsync(string url, string json) =>
        _client.PutAsync(new Uri(url, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
}
