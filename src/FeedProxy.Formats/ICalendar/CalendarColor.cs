namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Colours a composer sets (a collection member's colour): "#rgb", "#rrggbb" or one of the
/// CSS3 extended colour keywords (CSS Color Module Level 3 §4.3), which RFC 7986 §5.9 COLOR
/// takes. Other CSS forms (rgb(), hsl(), currentColor) are refused: a calendar cannot show them.
/// </summary>
public static class CalendarColor
{
    /// <summary>Validates a colour and returns it as "#RRGGBB" (what sessions carry) and its canonical text (lower case, "#rgb" widened).</summary>
    public static bool TryNormalize(string? text, out string hex)
    {
        hex = string.Empty;
        var value = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value) || value.Length > 24)
        {
            return false;
        }

        if (value[0] == '#')
        {
            var digits = value[1..];
            if (digits.Length == 3 && digits.All(Uri.IsHexDigit))
            {
                digits = string.Concat(digits.Select(c => new string(c, 2)));
            }

            if (digits.Length != 6 || !digits.All(Uri.IsHexDigit))
            {
                return false;
            }

            hex = "#" + digits.ToUpperInvariant();
            return true;
        }

        if (CssColors.HexOf(value) is { } named)
        {
            hex = named;
            return true;
        }

        return false;
    }
}
