using System.Text;

namespace FeedProxy.Formats.Text;

/// <summary>URL-safe ids from names ("Open Source Hardware" -> "open-source-hardware", "Überblick" -> "uberblick").</summary>
public static class Slug
{
    // Latin letters with diacritics folded to ASCII. Explicit, because Unicode decomposition
    // is unavailable in invariant-globalization mode and would miss ø, ł, ß, æ anyway.
    private const string Accented = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž";
    private const string Folded = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz";

    public static string From(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        var dash = false;
        foreach (var raw in name)
        {
            var c = char.ToLowerInvariant(raw);
            var fold = Accented.IndexOf(c, StringComparison.Ordinal);
            string? ascii = fold >= 0 ? Folded[fold].ToString() : c switch
            {
                'ß' => "ss",
                'æ' => "ae",
                'œ' => "oe",
                'þ' => "th",
                'ð' => "d",
                _ => char.IsAsciiLetterOrDigit(c) ? c.ToString() : null,
            };
            if (ascii is not null)
            {
                builder.Append(ascii);
                dash = false;
            }
            else if (!dash && builder.Length > 0)
            {
                builder.Append('-');
                dash = true;
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length > 100)
        {
            slug = slug[..100].TrimEnd('-');
        }

        // Names with no Latin letters at all (e.g. only CJK) get a stable hex id.
        return slug.Length > 0 ? slug : "x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 6));
    }
}
