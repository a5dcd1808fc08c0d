using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace FeedProxy.Formats.Text;

/// <summary>
/// The one place that finds e-mail addresses, for every text, URL and id that enters the
/// model (imports, upstream sources and the admin API). Addresses are looked for in a
/// detection view of the text that undoes the disguises seen in real and hostile files:
/// percent-encoding ("%40"), compatibility forms (fullwidth "＠" and letters, ideographic dots),
/// invisible characters (zero-width space, joiners, soft hyphen, BOM) and Unicode domains
/// (IDN), with quoted local parts (RFC 5322 section 3.4.1). Over-removal costs a word,
/// under-removal leaks an address, so the patterns are loose. Thread-safe.
/// </summary>
public static partial class AddressScrubber
{
    /// <summary>What replaces an address found in free text.</summary>
    public const string Placeholder = "[e-mail removed]";

    // Local part: dot-atom characters except URL delimiters ('/', '?', '=', '&', which end a
    // path or query value rather than start an address), or a quoted string. Domain: labels
    // of letters (any script), digits and hyphens, ending in a letter TLD or a punycode one;
    // or an address literal, IPv4 or IPv6 in brackets (RFC 5321 section 4.1.3).
    [GeneratedRegex("""(?:"[^"\r\n]{1,64}"|[\p{L}\p{N}._%+\-!#$'*^`{|}~]{1,64})@(?:(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,62})\.)+(?:\p{L}{2,63}|xn--[A-Za-z0-9\-]{1,59})|\[(?:[Ii][Pp][Vv]6:[0-9A-Fa-f:.]{2,45}|[0-9]{1,3}(?:\.[0-9]{1,3}){3})\])""", RegexOptions.CultureInvariant)]
    private static partial Regex Address();

    // The user info of a URL in running text (RFC 3986 section 3.2.1), up to the last '@' of
    // its authority: a name, an address, or a name and password, whatever its host looks like.
    [GeneratedRegex("""(?<=://)[^\s/?#\[\]<>"]{1,256}@""", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    /// <summary>
    /// Free text with every address replaced by <see cref="Placeholder"/>, inside URLs too (a
    /// mailing-list message id in a path cannot be told from a mailbox), and the user info of
    /// every URL removed (the URL still leads to the same place). Kept: fediverse handles
    /// ("@user@host": the address part follows an '@').
    /// </summary>
    public static string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var (view, map) = View(text);
        if (!view.Contains('@', StringComparison.Ordinal))
        {
            return text;
        }

        // Both kinds of span, earliest first (the longer first where two start together); a
        // span inside one already removed is skipped.
        var spans = new List<(int Index, int Length, string Replacement)>();
        foreach (Match match in UserInfo().Matches(view))
        {
            spans.Add((match.Index, match.Length, string.Empty));
        }

        foreach (Match match in Address().Matches(view))
        {
            if (match.Index == 0 || view[match.Index - 1] != '@')
            {
                spans.Add((match.Index, match.Length, Placeholder));
            }
        }

        spans.Sort(static (a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : b.Length.CompareTo(a.Length));
        var builder = new StringBuilder(text.Length);
        var copied = 0;
        var changed = false;
        foreach (var (index, length, replacement) in spans)
        {
            var start = map[index];
            if (start < copied)
            {
                continue;
            }

            builder.Append(text, copied, start - copied).Append(replacement);
            copied = map[index + length];
            changed = true;
        }

        return changed ? builder.Append(text, copied, text.Length - copied).ToString() : text;
    }

    /// <summary>
    /// True when a URL carries an address anywhere (user info, path segment, query value,
    /// fragment), also percent-encoded once or twice or disguised as in free text. Such URLs
    /// are dropped, never shortened: what is left of them could still identify the person.
    /// </summary>
    public static bool CarriesAddress(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url;
        for (var i = 0; i < 3 && text.Contains('%', StringComparison.Ordinal); i++)
        {
            text = Uri.UnescapeDataString(text);
        }

        var (view, _) = View(text);
        if (!view.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        // "https://social.example/@jane@host.example" is a handle; anything else is not.
        return Address().Matches(view).Any(m => m.Index == 0 || view[m.Index - 1] != '@')
            || UserInfo().IsMatch(view)
            || (Uri.TryCreate(view, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0);
    }

    /// <summary>True when the text holds an address (ids, names that are really addresses).</summary>
    public static bool ContainsAddress(string? text) => text is not null && !string.Equals(Scrub(text), text, StringComparison.Ordinal);

    /// <summary>
    /// A stable stand-in for an identifier that is an address ("p-" and 16 hex digits of its
    /// SHA-256, case-folded): re-imports keep the same id, the address is not recoverable
    /// from a feed by reading it (a guess can still be checked: ids are not secrets).
    /// </summary>
    public static string PseudonymousId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(View(value).View.ToLowerInvariant()));
        return "p-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>
    /// The detection view and, for each of its characters (plus one past the end), the index
    /// in <paramref name="text"/> it came from, so a match found in the view is removed from
    /// the original text.
    /// </summary>
    private static (string View, int[] Map) View(string text)
    {
        var view = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && text[i + 1] == '4' && text[i + 2] == '0')
            {
                view.Append('@');
                map.Add(i);
                i += 3;
                continue;
            }

            if (IsInvisible(c))
            {
                i++;
                continue;
            }

            view.Append(Fold(c));
            map.Add(i);
            i++;
        }

        map.Add(text.Length);
        return (view.ToString(), map.ToArray());
    }

    /// <summary>
    /// The compatibility folds that matter for addresses, done here because the process runs
    /// with invariant globalization (no ICU, so string.Normalize leaves non-ASCII alone):
    /// fullwidth ASCII (U+FF01-FF5E, which includes "＠" and "．"), the small commercial at, and
    /// the ideographic full stops that IDNA treats as label separators (UTS #46).
    /// </summary>
    private static char Fold(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        '\uFE6B' => '@',
        '\u3002' or '\uFF61' => '.',
        _ => c,
    };

    private static bool IsInvisible(char c) =>
        c is '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u180E';
}
