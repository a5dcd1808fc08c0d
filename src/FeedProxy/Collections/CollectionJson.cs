using System.Text.Json.Serialization;

namespace FeedProxy.Collections;

/// <summary>
/// The collection document of the admin API and of config/collections/{id}.json
/// (docs/collections.md): <c>{"name", "description", "visibility", "members": [{"event", "filters", "prefix", "color"}]}</c>.
/// </summary>
internal sealed class CollectionJson
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }

    /// <summary>"public" (default) or "private" (served only under its secret token URL).</summary>
    public string? Visibility { get; set; }

    public List<CollectionMemberJson>? Members { get; set; }
}

internal sealed class CollectionMemberJson
{
    public string? Event { get; set; }

    /// <summary>Dimension ("track", "lang", ...) to values, as in the feed query.</summary>
    public Dictionary<string, List<string>>? Filters { get; set; }

    /// <summary>Text put before every title of this member's sessions ("[Chess] ").</summary>
    public string? Prefix { get; set; }

    /// <summary>CSS colour of this member's sessions ("#1e90ff", "#19f" or "dodgerblue").</summary>
    public string? Color { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(CollectionJson))]
[JsonSerializable(typeof(List<CollectionJson>))]
internal sealed partial class CollectionJsonContext : JsonSerializerContext;
