using System.Globalization;
using System.Text.Json;

namespace FeedProxy.Formats.Import;

/// <summary>
/// Lenient reads from a <see cref="JsonDocument"/>: numbers stand in for strings (frab ids are
/// numbers, some exports quote them), null and absent are the same, and an optional value of the
/// wrong shape is treated as absent. Structural values (arrays, objects the importer walks) of the
/// wrong shape are errors naming the field path.
/// </summary>
internal static class JsonRead
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    public static JsonDocument Parse(Stream input)
    {
        try
        {
            return JsonDocument.Parse(input, Options);
        }
        catch (JsonException e)
        {
            throw Invalid(e);
        }
        catch (ArgumentException e)
        {
            throw new ImportException("Not valid JSON: " + e.Message, e);
        }
    }

    /// <summary>A parser's error as an import error with its line and column.</summary>
    public static ImportException Invalid(JsonException e)
    {
        // JsonException positions are 0-based.
        int? line = e.LineNumber is { } l ? (int)Math.Min(l + 1, int.MaxValue) : null;
        int? column = e.BytePositionInLine is { } c ? (int)Math.Min(c + 1, int.MaxValue) : null;
        return new ImportException("Not valid JSON: " + FirstSentence(e.Message), e.Path is { Length: > 1 } p ? p : null, line, column, e);
    }

    /// <summary>The first of <paramref name="names"/> present and not null.</summary>
    public static JsonElement? Get(JsonElement obj, params string[] names)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// A string, a number's text, or from a localised object ({"en": "...", "de": "..."}) the
    /// English or else first string. Null otherwise.
    /// </summary>
    public static string? Str(JsonElement? value)
    {
        if (value is not { } e)
        {
            return null;
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    return e.GetString();
                }
                catch (InvalidOperationException ex)
                {
                    throw new ImportException("A string is not valid UTF-8.", ex);
                }

            case JsonValueKind.Number:
                return e.GetRawText();
            case JsonValueKind.Object:
                if (Get(e, "en") is { ValueKind: JsonValueKind.String } english)
                {
                    return Str(english);
                }

                foreach (var property in e.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        return Str(property.Value);
                    }
                }

                return null;
            default:
                return null;
        }
    }

    // The first name is separate so that Str(element) binds to Str(JsonElement?) above, not to this with no names.
    public static string? Str(JsonElement obj, string name, params string[] more) => Str(Get(obj, [name, .. more]));

    public static int? Int(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        { ValueKind: JsonValueKind.String } e when int.TryParse(Str(e), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    public static double? Double(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetDouble(out var d) => d,
        { ValueKind: JsonValueKind.String } e when double.TryParse(Str(e), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>The elements of an array at <paramref name="path"/>; absent is empty, another kind is an error.</summary>
    public static IEnumerable<JsonElement> Array(JsonElement? value, string path)
    {
        if (value is not { } e)
        {
            return [];
        }

        return e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray()
            : throw new ImportException($"Expected an array, found {Kind(e)}.", path);
    }

    /// <summary>An object at <paramref name="path"/>; absent is null, another kind is an error.</summary>
    public static JsonElement? Object(JsonElement? value, string path)
    {
        if (value is not { } e)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Object ? e : throw new ImportException($"Expected an object, found {Kind(e)}.", path);
    }

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>A key quoted for a field path: rooms['Saal 1'].</summary>
    public static string Key(string key) => "['" + (key.Length > 60 ? key[..60] + "…" : key).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
