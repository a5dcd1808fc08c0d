using System.Text;

namespace FeedProxy.Formats.Text;

/// <summary>
/// The one place where text is made safe, applied where data enters the model (file store,
/// database, importers). After it, no string can break XML 1.0 well-formedness or start a
/// new iCalendar content line:
/// <list type="bullet">
/// <item>CR LF and lone CR become LF (RFC 5545 TEXT encodes LF as "\n");</item>
/// <item>C0 controls other than TAB and LF, DEL, C1 controls, lone surrogates and the
/// non-characters U+FFFE/U+FFFF are removed (XML 1.0 §2.2 forbids them even as references);</item>
/// <item>surrounding white space is trimmed; an empty result is null ("leave empty properties out").</item>
/// </list>
/// Thread-safe and allocation-free when the input is already clean.
/// </summary>
public static class TextSanitizer
{
    /// <summary>Multi-line text (abstracts, descriptions).</summary>
    public static string? Text(string? value) => Clean(value, singleLine: false);

    /// <summary>Single-line text (titles, names): line breaks and tabs become spaces.</summary>
    public static string? Line(string? value) => Clean(value, singleLine: true);

    /// <summary>True if <paramref name="value"/> is unchanged by <see cref="Text"/> (used by tests and writers' guards).</summary>
    public static bool IsClean(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            if (NeedsWork(value, i))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Clean(string? value, bool singleLine)
    {
        if (value is null)
        {
            return null;
        }

        var dirty = -1;
        for (var i = 0; i < value.Length; i++)
        {
            if (NeedsWork(value, i) || (singleLine && (value[i] is '\n' or '\t')))
            {
                dirty = i;
                break;
            }
        }

        if (dirty < 0)
        {
            var trimmed = value.Trim();
            return trimmed.Length == 0 ? null : trimmed;
        }

        var builder = new StringBuilder(value.Length);
        builder.Append(value, 0, dirty);
        for (var i = dirty; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r')
            {
                if (i + 1 < value.Length && value[i + 1] == '\n')
                {
                    continue; // CR LF -> LF (the LF is appended next)
                }

                builder.Append(singleLine ? ' ' : '\n');
            }
            else if (c is '\n' or '\t')
            {
                builder.Append(singleLine ? ' ' : c);
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    builder.Append(c).Append(value[i + 1]);
                    i++;
                }
            }
            else if (!char.IsLowSurrogate(c) && !IsForbidden(c))
            {
                builder.Append(c);
            }
        }

        var result = builder.ToString().Trim();
        return result.Length == 0 ? null : result;
    }

    private static bool NeedsWork(string value, int i)
    {
        var c = value[i];
        if (c == '\r' || IsForbidden(c))
        {
            return true;
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]);
        }

        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1]));
    }

    private static bool IsForbidden(char c) =>
        (c < 0x20 && c is not '\t' and not '\n')
        || c is >= '\u007F' and <= '\u009F'
        || c is '\uFFFE' or '\uFFFF';
}
