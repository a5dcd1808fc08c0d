using System.Text;

namespace FeedProxy.Formats.Import;

/// <summary>Content-type families and first-bytes checks used by the importers' CanRead.</summary>
internal static class Sniff
{
    public enum Family
    {
        /// <summary>No content type, or one that says nothing (text/plain, application/octet-stream).</summary>
        Unknown,
        Xml,
        Json,
        Zip,
    }

    public static Family Of(string? contentType)
    {
        var media = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        return media switch
        {
            null or "" => Family.Unknown,
            "application/xml" or "text/xml" => Family.Xml,
            "application/json" or "text/json" => Family.Json,
            "application/zip" or "application/x-zip-compressed" => Family.Zip,
            _ when media.EndsWith("+xml", StringComparison.Ordinal) => Family.Xml,
            _ when media.EndsWith("+json", StringComparison.Ordinal) => Family.Json,
            _ => Family.Unknown,
        };
    }

    /// <summary>The head as text: UTF-8 without BOM, invalid bytes replaced (a truncated last character is harmless here).</summary>
    public static string Text(ReadOnlySpan<byte> head)
    {
        if (head.Length > 16384)
        {
            head = head[..16384];
        }

        // XML may come as UTF-16 with a byte order mark (XML 1.0 §4.3.3); JSON is UTF-8 (RFC 8259 §8.1).
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(head[2..(2 + ((head.Length - 2) & ~1))]);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(head[2..(2 + ((head.Length - 2) & ~1))]);
        }

        return Encoding.UTF8.GetString(head.StartsWith("\uFEFF"u8) ? head[3..] : head);
    }

    /// <summary>The local name of the root element, skipping the declaration, comments and a DOCTYPE; null if not XML-like.</summary>
    public static string? XmlRoot(ReadOnlySpan<byte> head)
    {
        var text = Text(head);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length || text[i] != '<')
            {
                return null;
            }

            string? close = text.AsSpan(i).StartsWith("<?") ? "?>" : text.AsSpan(i).StartsWith("<!--") ? "-->" : text.AsSpan(i).StartsWith("<!") ? ">" : null;
            if (close is null)
            {
                var start = i + 1;
                var end = start;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not '>' and not '/')
                {
                    end++;
                }

                var name = text[start..end];
                var colon = name.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 ? name[(colon + 1)..] : name;
            }

            var next = text.IndexOf(close, i + 2, StringComparison.Ordinal);
            if (next < 0)
            {
                return null;
            }

            i = next + close.Length;
        }

        return null;
    }

    /// <summary>True when the head starts (after white space and a BOM) with '{' or '[' and has one of <paramref name="keys"/> as an object key.</summary>
    public static bool JsonHas(ReadOnlySpan<byte> head, params string[] keys)
    {
        var text = Text(head).TrimStart();
        if (text.Length == 0 || text[0] is not '{' and not '[')
        {
            return false;
        }

        foreach (var key in keys)
        {
            // A key, not a value: the quoted name followed by a colon.
            var quoted = "\"" + key + "\"";
            for (var at = text.IndexOf(quoted, StringComparison.Ordinal); at >= 0; at = text.IndexOf(quoted, at + 1, StringComparison.Ordinal))
            {
                var after = text.AsSpan(at + quoted.Length).TrimStart();
                if (after.Length > 0 && after[0] == ':')
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static bool IsZip(ReadOnlySpan<byte> head) => head.StartsWith("PK\u0003\u0004"u8);
}
