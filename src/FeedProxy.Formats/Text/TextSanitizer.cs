using System.Buffers;
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
        return FirstDirty(value, singleLine: false) < 0;
    }

    /// <summary>
    /// <see cref="Text"/> of composed text without making a string: true with the trimmed
    /// text (empty for "leave out") when nothing but trimming is needed, false when
    /// characters must be replaced or removed (then <see cref="Text"/> of it as a string).
    /// </summary>
    internal static bool TryTrimClean(ReadOnlySpan<char> value, out ReadOnlySpan<char> trimmed)
    {
        if (FirstDirty(value, singleLine: false) >= 0)
        {
            trimmed = default;
            return false;
        }

        trimmed = value.Trim();
        return true;
    }

    private static string? Clean(string? value, bool singleLine)
    {
        if (value is null)
        {
            return null;
        }

        var dirty = FirstDirty(value, singleLine);
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

    /// <summary>
    /// Index of the first character that must be replaced or removed (CR, a forbidden control
    /// or non-character, a lone surrogate; single-line also LF and TAB), or -1. Runs of ASCII
    /// are searched vectorised, other characters looked at one by one: clean text is mostly
    /// ASCII, and this runs on every value of every feed render.
    /// </summary>
    private static int FirstDirty(ReadOnlySpan<char> value, bool singleLine)
    {
        var plain = singleLine ? PlainLine : PlainText;
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c < 0x80)
            {
                var next = value[i..].IndexOfAnyExcept(plain);
                if (next < 0)
                {
                    return -1;
                }

                i += next;
                c = value[i];
                if (c < 0x80)
                {
                    return i; // a control character (or, single-line, a line break or tab)
                }
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return i;
                }

                i += 2;
                continue;
            }

            // A low surrogate here has no high one before it (a pair is skipped whole).
            if (char.IsLowSurrogate(c) || IsForbidden(c))
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    /// <summary>ASCII that is clean in multi-line text: printable, TAB and LF.</summary>
    private static readonly SearchValues<char> PlainText =
        SearchValues.Create("\t\n" + string.Concat(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c)));

    /// <summary>ASCII that is clean in single-line text: printable only.</summary>
    private static readonly SearchValues<char> PlainLine =
        SearchValues.Create(string.Concat(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c)));

    private static bool IsForbidden(char c) =>
        (c < 0x20 && c is not '\t' and not '\n')
        || c is >= '\u007F' and <= '\u009F'
        || c is '\uFFFE' or '\uFFFF';
}
