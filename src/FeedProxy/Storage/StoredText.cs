using FeedProxy.Formats.Text;

namespace FeedProxy.Storage;

/// <summary>
/// <see cref="TextSanitizer"/> for text read back from the store, with a vectorised check
/// first: text written through the importers and the admin API was sanitised on the way in,
/// so nearly every string is already clean and comes back as the same instance without the
/// sanitiser's per-character loop (it was ~9% of a cold 1,000-session miss). Anything the
/// check cannot vouch for (controls, C1, lone surrogates, U+FFFE/U+FFFF, surrounding white space)
/// takes the sanitiser, so the result is always exactly what <see cref="TextSanitizer"/> returns.
/// </summary>
internal static class StoredText
{
    /// <summary>As <see cref="TextSanitizer.Line"/>.</summary>
    public static string? Line(string? value) =>
        value is not null && IsCleanLine(value) ? value : TextSanitizer.Line(value);

    /// <summary>As <see cref="TextSanitizer.Text"/>.</summary>
    public static string? Text(string? value) =>
        value is not null && IsCleanText(value) ? value : TextSanitizer.Text(value);

    // Single-line: no C0 control at all (TAB and LF become spaces there).
    private static bool IsCleanLine(string value) =>
        IsTrimmed(value) && !value.AsSpan().ContainsAnyInRange('\0', '\u001F') && HasNoOtherForbidden(value);

    // Multi-line: TAB and LF stay; every other C0 control (CR included) needs the sanitiser.
    private static bool IsCleanText(string value)
    {
        if (!IsTrimmed(value) || !HasNoOtherForbidden(value))
        {
            return false;
        }

        var span = value.AsSpan();
        for (var i = span.IndexOfAnyInRange('\0', '\u001F'); i >= 0; i = Next(span, i))
        {
            if (span[i] is not '\t' and not '\n')
            {
                return false;
            }
        }

        return true;

        static int Next(ReadOnlySpan<char> span, int i)
        {
            var next = span[(i + 1)..].IndexOfAnyInRange('\0', '\u001F');
            return next < 0 ? -1 : i + 1 + next;
        }
    }

    // Non-empty and nothing for Trim() to take off (string.Trim trims char.IsWhiteSpace).
    private static bool IsTrimmed(string value) =>
        value.Length > 0 && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1]);

    // DEL and C1 controls, lone surrogates and the non-characters U+FFFE/U+FFFF (XML 1.0
    // section 2.2). Pairs are common (emoji in abstracts), so they are walked pair by pair.
    private static bool HasNoOtherForbidden(string value)
    {
        var span = value.AsSpan();
        if (span.ContainsAnyInRange('\u007F', '\u009F') || span.ContainsAnyInRange('\uFFFE', '\uFFFF'))
        {
            return false;
        }

        for (var i = span.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0;)
        {
            if (!char.IsHighSurrogate(span[i]) || i + 1 >= span.Length || !char.IsLowSurrogate(span[i + 1]))
            {
                return false;
            }

            var next = span[(i + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
            i = next < 0 ? -1 : i + 2 + next;
        }

        return true;
    }
}
