namespace FeedProxy.Rendering;

/// <summary>
/// The one key format of the render cache (as output caching's key provider: normalised parts
/// joined by a non-printing separator). Every kind's entries are
/// <c>kind US version US hour US representation</c>, so a new version or hour makes every old
/// entry unreachable at once; the stale-if-error pointer and the first-seen time have keys of
/// their own beside them. A part that contains the separator (a decoded query value may) is
/// escaped, so two different part lists never make the same key.
/// </summary>
internal static class CacheKeys
{
    /// <summary>ASCII unit separator: never in an id, a version or an absolute URI.</summary>
    public const char Separator = '\u001f';

    /// <summary>The rendered payload of one representation at one version and hour.</summary>
    public static string Entry(string kind, string version, long hour, string representation) =>
        string.Concat(kind, "\u001f", Part(version), "\u001f", hour.ToString(System.Globalization.CultureInfo.InvariantCulture), "\u001f", representation);

    /// <summary>The stale-if-error pointer of a representation: holds the key of its last good entry.</summary>
    public static string LastGood(string kind, string representation) =>
        string.Concat("last\u001f", kind, "\u001f", representation);

    /// <summary>When a version of a subject (its cache tag) was first rendered by this deployment.</summary>
    public static string FirstSeen(string subject, string version) =>
        string.Concat("seen\u001f", Part(subject), "\u001f", Part(version));

    /// <summary>Parts joined by the separator, each escaped when it needs to be: the representation part of a key.</summary>
    public static string Join(params ReadOnlySpan<string?> parts)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(Separator);
            }

            builder.Append(Part(parts[i] ?? string.Empty));
        }

        return builder.ToString();
    }

    /// <summary>A representation already made by <see cref="Join"/> with more parts after it.</summary>
    public static string Extend(string representation, params ReadOnlySpan<string?> parts)
    {
        ArgumentNullException.ThrowIfNull(representation);
        return parts.IsEmpty ? representation : string.Concat(representation, "\u001f", Join(parts));
    }

    /// <summary>
    /// A part as it goes into a key: unchanged (no allocation) unless it holds the separator or
    /// the escape character (ASCII record separator), which are then written as the escape
    /// character and a digit. Escaped parts are the only ones holding the escape character, so
    /// different parts stay different keys.
    /// </summary>
    public static string Part(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(Separator, Escape) < 0
            ? value
            : value.Replace("\u001e", "\u001e0", StringComparison.Ordinal).Replace("\u001f", "\u001e1", StringComparison.Ordinal);
    }

    private const char Escape = '\u001e';
}
