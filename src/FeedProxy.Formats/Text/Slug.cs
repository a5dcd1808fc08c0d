using System.Globalization;
using System.Text;

namespace FeedProxy.Formats.Text;

/// <summary>URL-safe ids from names ("Open Source Hardware" -> "open-source-hardware").</summary>
public static class Slug
{
    public static string From(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        var dash = false;
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
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

        return slug.Length == 0 ? "x" + Convert.ToHexString(Encoding.UTF8.GetBytes(name))[..Math.Min(16, name.Length * 2)].ToLowerInvariant() : slug;
    }
}
