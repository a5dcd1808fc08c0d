using System.Globalization;
using System.Text;
using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Search;

/// <summary>
/// A subscriber's text search (<c>?q=</c>): every word must occur as a whole word, in any
/// order, in a session's title, subtitle, abstract, speaker names or room name. Matching
/// ignores case and diacritics ("Muller" finds "Müller", "CAFE" finds "café"): both sides are
/// folded the same way (<see cref="Fold"/>). Immutable and thread-safe.
/// </summary>
public sealed class TextQuery
{
    /// <summary>Longest query accepted, in characters.</summary>
    public const int MaxLength = 200;

    /// <summary>Most words a query may have.</summary>
    public const int MaxWords = 10;

    private readonly string[] _words;

    private TextQuery(string[] words) => _words = words;

    /// <summary>The folded words, sorted and distinct: the query's canonical form.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>Canonical text for cache keys: folded words joined by spaces.</summary>
    public string Key => string.Join(' ', _words);

    /// <summary>Parses a query; false when it has no word, or is too long.</summary>
    public static bool TryParse(string? text, out TextQuery? query, out string? error)
    {
        query = null;
        error = null;
        if (text is null || text.Length > MaxLength)
        {
            error = $"Query parameter 'q' must be 1-{MaxLength} characters.";
            return false;
        }

        var words = WordsOf(Fold(text)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (words.Length == 0)
        {
            error = "Query parameter 'q' has no word to search for (letters or digits).";
            return false;
        }

        if (words.Length > MaxWords)
        {
            error = $"Query parameter 'q' has more than {MaxWords} words.";
            return false;
        }

        query = new TextQuery(words);
        return true;
    }

    /// <summary>True when every word of the query is a whole word of the session's searchable text.</summary>
    public bool Matches(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var found = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? text)
        {
            if (!string.IsNullOrEmpty(text))
            {
                foreach (var word in WordsOf(Fold(text)))
                {
                    found.Add(word);
                }
            }
        }

        Add(session.Title);
        Add(session.Subtitle);
        Add(session.Abstract);
        Add(session.Room?.Name);
        foreach (var speaker in session.Speakers)
        {
            Add(speaker.Name);
        }

        return _words.All(found.Contains);
    }

    /// <summary>
    /// Lower case without diacritics. The process runs with invariant globalization (no ICU,
    /// so no Unicode decomposition): combining marks are dropped by their category, and the
    /// precomposed Latin letters (Latin-1 Supplement, Extended-A and -B, Extended Additional,
    /// which cover the European and Vietnamese alphabets) map to their base letter by the
    /// tables below, derived from the Unicode compatibility decompositions; letters that do
    /// not decompose (ß, æ, ø, đ, ł, ı, œ, þ) map to their usual transliteration.
    /// </summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            var mapped = c switch
            {
                >= '\u00C0' and <= '\u024F' => Latin[c - '\u00C0'],
                >= '\u1E00' and <= '\u1EFF' => LatinAdditional[c - '\u1E00'],
                _ => '_',
            };
            if (mapped != '_')
            {
                folded.Append(mapped);
                continue;
            }

            switch (char.ToLowerInvariant(c))
            {
                case 'ß' or '\u1E9E': folded.Append("ss"); break;
                case 'æ': folded.Append("ae"); break;
                case 'œ': folded.Append("oe"); break;
                case 'ĳ': folded.Append("ij"); break;
                case 'þ': folded.Append("th"); break;
                case 'ø': folded.Append('o'); break;
                case 'đ' or 'ð': folded.Append('d'); break;
                case 'ł': folded.Append('l'); break;
                case 'ı': folded.Append('i'); break;
                case 'ħ': folded.Append('h'); break;
                case 'ŧ': folded.Append('t'); break;
                case var lower: folded.Append(lower); break;
            }
        }

        return folded.ToString();
    }

    // Base letter of U+00C0..U+024F and U+1E00..U+1EFF ('_': none, the letter stays as it is).
    private const string Latin =
        "aaaaaa_ceeeeiiii_nooooo__uuuuy__aaaaaa_ceeeeiiii_nooooo__uuuuy_yaaaaaaccccccccdd__eeeeeeeeeegggggggghh__iiiiiiiii___jjkk_llllll____nnnnnn___oooooo__rrrrrrsssssssstttt__uuuuuuuuuuuuwwyyyzzzzzzs________________________________oo_____________uu____________________________aaiioouuuuuuuuuu_aaaa____ggkkoooo__j___gg__nnaa____aaaaeeeeiiiioooorrrruuuusstt__hh______aaeeooooooooyy____________________________";

    private const string LatinAdditional =
        "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwy_s____aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy______";

    /// <summary>Runs of letters and digits (an apostrophe or hyphen separates words, as in "O'Brien" or "open-source").</summary>
    private static IEnumerable<string> WordsOf(string folded)
    {
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var isWord = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                yield return folded[start..i];
                start = -1;
            }
        }
    }
}
