using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// or non-character, a lone surrogate; single-line also LF and TAB), or -1. This runs on
    /// every value of every feed render, so candidates are found eight characters at a time;
    /// only surrogates need a second look (a pair is fine).
    /// </summary>
    private static int FirstDirty(ReadOnlySpan<char> value, bool singleLine)
    {
        var i = 0;
        while (true)
        {
            var next = NextCandidate(value, i, singleLine);
            if (next < 0)
            {
                return -1;
            }

            var c = value[next];
            if (!char.IsHighSurrogate(c) || next + 1 >= value.Length || !char.IsLowSurrogate(value[next + 1]))
            {
                // A control, a non-character, or a surrogate that is not the high half of a
                // pair (a low one found here has no high one before it: pairs are skipped whole).
                return next;
            }

            i = next + 2;
        }
    }

    /// <summary>
    /// Index of the next character from <paramref name="start"/> that is a control other than
    /// TAB and LF (both too when single-line), DEL, a C1 control, a surrogate, U+FFFE or
    /// U+FFFF; or -1.
    /// </summary>
    private static int NextCandidate(ReadOnlySpan<char> value, int start, bool singleLine)
    {
        var units = MemoryMarshal.Cast<char, ushort>(value);
        var i = start;
        if (Vector128.IsHardwareAccelerated)
        {
            var space = Vector128.Create((ushort)0x20);
            var tab = Vector128.Create((ushort)'\t');
            var lineFeed = Vector128.Create((ushort)'\n');
            var del = Vector128.Create((ushort)0x7F);
            var delToC1 = Vector128.Create((ushort)(0x9F - 0x7F + 1));
            var surrogate = Vector128.Create((ushort)0xD800);
            var surrogates = Vector128.Create((ushort)0x800);
            var nonCharacter = Vector128.Create((ushort)0xFFFE);
            for (; i + Vector128<ushort>.Count <= units.Length; i += Vector128<ushort>.Count)
            {
                var v = Vector128.Create(units.Slice(i, Vector128<ushort>.Count));
                var controls = Vector128.LessThan(v, space);
                if (!singleLine)
                {
                    controls = Vector128.AndNot(controls, Vector128.Equals(v, tab) | Vector128.Equals(v, lineFeed));
                }

                // Unsigned range checks: v - low < length.
                var found = controls
                    | Vector128.LessThan(v - del, delToC1)
                    | Vector128.LessThan(v - surrogate, surrogates)
                    | Vector128.GreaterThanOrEqual(v, nonCharacter);
                if (found != Vector128<ushort>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(found.ExtractMostSignificantBits());
                }
            }
        }

        for (; i < units.Length; i++)
        {
            var c = (char)units[i];
            if (IsForbidden(c) || char.IsSurrogate(c) || c == '\r' || (singleLine && c is '\t' or '\n'))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsForbidden(char c) =>
        (c < 0x20 && c is not '\t' and not '\n')
        || c is >= '\u007F' and <= '\u009F'
        || c is '\uFFFE' or '\uFFFF';
}
