using System.Text.Json.Serialization;

namespace FeedProxy.Push.Webhooks;

/// <summary>The body of PUT /admin/webhooks/{id}.</summary>
internal sealed class WebhookJson
{
    public string? Url { get; set; }
    public List<string>? Events { get; set; }
    public List<string>? Collections { get; set; }
    public string? Secret { get; set; }
}

/// <summary>What the admin API shows of a webhook: never its secret, except once when generated.</summary>
internal sealed record WebhookView(
    string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string> Collections, DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret,
    WebhookStatus Status);

/// <summary>Delivery status of a webhook.</summary>
internal sealed record WebhookStatus(DateTimeOffset? LastAttempt, DateTimeOffset? LastSuccess, string? LastError, int Failures, long Pending, long Delivered, long Failed);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(WebhookJson))]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(List<WebhookView>))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
