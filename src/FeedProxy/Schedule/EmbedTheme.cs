using System.Globalization;
using FeedProxy.Formats.ICalendar;

namespace FeedProxy.Schedule;

/// <summary>
/// The look an embedding site asks for: <c>?theme=light|dark</c> and <c>?accent=</c> (a CSS
/// colour, "#rgb", "#rrggbb" or a CSS3 name). The accent colours borders and the chosen day;
/// text on it is black or white, whichever contrasts more (WCAG 2.x relative luminance), so
/// no accent can make text unreadable.
/// </summary>
internal sealed record EmbedTheme(bool Dark, string? Accent)
{
    public static EmbedTheme Default { get; } = new(false, null);

    public static bool TryParse(IQueryCollection query, out EmbedTheme theme, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        theme = Default;
        error = null;
        var dark = false;
        if (query.TryGetValue("theme", out var themes) && themes.Count > 0)
        {
            var value = themes[^1]?.Trim().ToLowerInvariant();
            if (value is not ("light" or "dark") || themes.Count > 1)
            {
                error = "Query parameter 'theme' must be 'light' or 'dark' (once).";
                return false;
            }

            dark = value == "dark";
        }

        string? accent = null;
        if (query.TryGetValue("accent", out var accents) && accents.Count > 0)
        {
            if (accents.Count > 1 || !CalendarColor.TryNormalize(accents[0], out var hex))
            {
                error = "Query parameter 'accent' must be one CSS colour: '#rgb', '#rrggbb' or a name such as 'teal'.";
                return false;
            }

            accent = hex;
        }

        theme = new EmbedTheme(dark, accent);
        return true;
    }

    /// <summary>The query pairs that carry this theme into links.</summary>
    public IEnumerable<KeyValuePair<string, string>> Query()
    {
        if (Dark)
        {
            yield return KeyValuePair.Create("theme", "dark");
        }

        if (Accent is { } accent)
        {
            yield return KeyValuePair.Create("accent", accent);
        }
    }

    /// <summary>"#000000" or "#FFFFFF", whichever contrasts more with the accent.</summary>
    public string OnAccent => Accent is { } hex && Luminance(hex) > 0.179 ? "#000000" : "#FFFFFF";

    private static double Luminance(string hex)
    {
        var rgb = int.Parse(hex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        static double Channel(int value)
        {
            var c = value / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel((rgb >> 16) & 0xFF)) + (0.7152 * Channel((rgb >> 8) & 0xFF)) + (0.0722 * Channel(rgb & 0xFF));
    }
}
