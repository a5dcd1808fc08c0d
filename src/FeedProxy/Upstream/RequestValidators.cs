using System.Text.Json;

namespace FeedProxy.Upstream;

/// <summary>
/// The validators (ETag, Last-Modified) of each request of a paged source, in request order:
/// for an Open Event source the event document, then sessions page 1, 2, …. Kept in the
/// source status's ETag field as a JSON array of <c>[etag, lastModified]</c> pairs, so both
/// stores keep it without a schema change (a paged source has no single ETag of its own).
/// </summary>
internal static class RequestValidators
{
    public static string? Encode(IReadOnlyList<(string? ETag, string? LastModified)> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return requests.Count == 0 || requests.All(r => r.ETag is null && r.LastModified is null)
            ? null
            : JsonSerializer.Serialize(requests.Select(r => new[] { r.ETag, r.LastModified }).ToArray(), RequestValidatorsJsonContext.Default.StringArrayArray);
    }

    /// <summary>
    /// The stored list when every request has a validator (a conditional round needs all of
    /// them); null otherwise, or when the value is not such a list (then the source is fetched
    /// in full and compared by content).
    /// </summary>
    public static List<(string? ETag, string? LastModified)>? DecodeComplete(string? value)
    {
        if (value is null || !value.StartsWith('['))
        {
            return null;
        }

        try
        {
            var pairs = JsonSerializer.Deserialize(value, RequestValidatorsJsonContext.Default.StringArrayArray);
            if (pairs is null || pairs.Length == 0 || pairs.Any(p => p is not { Length: 2 } || (p[0] is null && p[1] is null)))
            {
                return null;
            }

            return [.. pairs.Select(p => (p[0], p[1]))];
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string?[][]))]
internal sealed partial class RequestValidatorsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
