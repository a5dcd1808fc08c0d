using FeedProxy.Formats.Model;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Import;

/// <summary>
/// Where imported strings become model strings: HTML to text, e-mail addresses removed,
/// then <see cref="TextSanitizer"/>. URLs are kept only when absolute http(s).
/// </summary>
internal static partial class ImportText
{
    /// <summary>What replaces an e-mail address found in free text.</summary>
    public const string EmailPlaceholder = AddressScrubber.Placeholder;

    [GeneratedRegex("^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$", RegexOptions.CultureInvariant)]
    private static partial Regex HexColor();

    [GeneratedRegex(@"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[0-9.]+\s*)?\)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex RgbColor();

    /// <summary>Names and titles: one line, no e-mail addresses.</summary>
    public static string? Line(string? value) => TextSanitizer.Line(ScrubEmails(TextSanitizer.Line(value)));

    /// <summary>
    /// Abstracts and descriptions: HTML (when the value is HTML) becomes plain text with
    /// paragraphs and link targets kept; e-mail addresses are removed.
    /// </summary>
    public static string? Text(string? value)
    {
        var clean = TextSanitizer.Text(value);
        if (clean is null)
        {
            return null;
        }

        if (HtmlText.LooksLikeHtml(clean))
        {
            clean = HtmlText.ToPlainText(clean);
        }

        return TextSanitizer.Text(ScrubEmails(Tidy(clean)));
    }

    /// <summary>
    /// Removes the indentation that XML pretty-printing adds to continuation lines (38C3's
    /// descriptions carry 20 spaces on every line after the first), trailing blanks, and runs of
    /// more than one empty line.
    /// </summary>
    public static string Tidy(string text)
    {
        if (!text.Contains('\n', StringComparison.Ordinal))
        {
            return text;
        }

        var lines = text.Split('\n');
        var indent = int.MaxValue;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var lead = line.Length - line.TrimStart(' ', '\t').Length;
            if (lead < line.Length)
            {
                indent = Math.Min(indent, lead);
            }
        }

        var builder = new StringBuilder(text.Length);
        var blank = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd(' ', '\t');
            if (i > 0 && indent != int.MaxValue && line.Length >= indent)
            {
                line = line[indent..];
            }

            if (line.Length == 0)
            {
                blank++;
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append('\n', blank > 0 ? 2 : 1);
            }

            blank = 0;
            builder.Append(line);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Like <see cref="Url"/>, and repairs a base URL glued in front of an absolute one
    /// ("https://host/hub/https://cdn/x.jpeg", seen in 38C3's logos): the inner URL is used.
    /// </summary>
    public static string? ImageUrl(string? value, Uri? baseUri = null)
    {
        var text = TextSanitizer.Line(value);
        if (text is not null)
        {
            var inner = Math.Max(text.LastIndexOf("/https://", StringComparison.OrdinalIgnoreCase), text.LastIndexOf("/http://", StringComparison.OrdinalIgnoreCase));
            if (inner > 0)
            {
                text = text[(inner + 1)..];
            }
        }

        return Url(text, baseUri);
    }

    /// <summary>Removes e-mail addresses from free text (<see cref="AddressScrubber.Scrub"/>).</summary>
    public static string? ScrubEmails(string? value) => AddressScrubber.Scrub(value);

    /// <summary>
    /// An absolute http(s) URL, or a relative one resolved against <paramref name="baseUri"/>;
    /// anything else (mailto:, javascript:, relative without a base, user info) is dropped.
    /// </summary>
    public static string? Url(string? value, Uri? baseUri = null)
    {
        var text = TextSanitizer.Line(value);
        if (text is null || text.Length > 4096 || text.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        Uri? uri = null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && IsHttp(absolute) && !text.StartsWith('/'))
        {
            uri = absolute;
        }
        else if (baseUri is not null && !HasScheme(text) && Uri.TryCreate(baseUri, text, out var resolved) && IsHttp(resolved))
        {
            uri = resolved;
        }

        // User info could carry credentials or an address; a feed never needs it. A URL that
        // carries an address anywhere is dropped whole.
        return uri is null || uri.UserInfo.Length > 0 || AddressScrubber.CarriesAddress(uri.AbsoluteUri) || AddressScrubber.CarriesAddress(text)
            ? null
            : uri.AbsoluteUri;
    }

    /// <summary>A base for resolving relative links: an absolute http(s) URL, else null.</summary>
    public static Uri? BaseUri(string? value) =>
        Url(value) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;

    private static bool IsHttp(Uri uri) =>
        (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    private static bool HasScheme(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var slash = text.IndexOfAny(['/', '?', '#']);
        return slash < 0 || colon < slash;
    }

    /// <summary>"#RRGGBB" from "#rgb", "#rrggbb", "rrggbb" or "rgb(a)(r, g, b[, a])"; null otherwise.</summary>
    public static string? Color(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return null;
        }

        var hex = HexColor().Match(text);
        if (hex.Success)
        {
            var digits = hex.Groups[1].Value;
            if (digits.Length == 3)
            {
                digits = string.Concat(digits.Select(c => new string(c, 2)));
            }

            return "#" + digits.ToUpperInvariant();
        }

        var rgb = RgbColor().Match(text);
        if (rgb.Success)
        {
            var parts = new int[3];
            for (var i = 0; i < 3; i++)
            {
                parts[i] = int.Parse(rgb.Groups[i + 1].Value, CultureInfo.InvariantCulture);
                if (parts[i] > 255)
                {
                    return null;
                }
            }

            return $"#{parts[0]:X2}{parts[1]:X2}{parts[2]:X2}";
        }

        return null;
    }

    /// <summary>
    /// The value itself when it is a valid id (<see cref="ScheduleId.IsValid"/>), else a
    /// deterministic repair: invalid characters become '-', leading dots/dashes go, 128 max.
    /// Null when nothing usable remains.
    /// </summary>
    public static string? Id(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // Some sources identify people by their address: the id would publish it.
        if (AddressScrubber.ContainsAddress(text))
        {
            return AddressScrubber.PseudonymousId(text);
        }

        if (ScheduleId.IsValid(text))
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, 128));
        foreach (var c in text)
        {
            if (builder.Length == 128)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var repaired = builder.ToString().TrimStart('.', '-', '_').TrimEnd('-');
        return ScheduleId.IsValid(repaired) ? repaired : null;
    }

    /// <summary>
    /// Repairs UTF-8 that was decoded as Latin-1 once too often ("RenÃ©" -> "René"),
    /// as found in Open Event exports. Only applied when the whole string round-trips: every
    /// char fits in a byte and those bytes are strictly valid UTF-8 containing a multi-byte
    /// sequence. Real Latin-1 text almost never forms such sequences.
    /// </summary>
    public static string? FixMojibake(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var suspicious = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > '\u00FF')
            {
                return value;
            }

            if (c is >= '\u00C2' and <= '\u00F4' && i + 1 < value.Length && value[i + 1] is >= '\u0080' and <= '\u00BF')
            {
                suspicious = true;
            }
        }

        if (!suspicious)
        {
            return value;
        }

        var bytes = Encoding.Latin1.GetBytes(value);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return value;
        }
    }

    /// <summary>Combines a short abstract and a longer description without repeating text.</summary>
    public static string? Combine(string? summary, string? details)
    {
        if (summary is null)
        {
            return details;
        }

        if (details is null || summary.Contains(details, StringComparison.Ordinal))
        {
            return summary;
        }

        if (details.StartsWith(summary, StringComparison.Ordinal))
        {
            return details;
        }

        return summary + "\n\n" + details;
    }
}
