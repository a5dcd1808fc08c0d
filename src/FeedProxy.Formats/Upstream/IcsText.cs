using System.Text;
using FeedProxy.Formats.Import;

namespace FeedProxy.Formats.Upstream;

/// <summary>
/// Repairs what real calendars get wrong before Ical.Net reads them (RFC 5545 §3.1): lines
/// folded with TAB or LF-only, lines with no ':' (an ORGANIZER with parameters and no value, seen
/// in mail attachments), content after END:VCALENDAR, a bare VEVENT without VCALENDAR, spaces in
/// RRULE lists ("BYDAY=MO, TU"). Also enforces the nesting and item bounds of <see cref="UpstreamLimits"/>.
/// </summary>
internal static class IcsText
{
    public static string Normalise(string text)
    {
        if (text.Length > UpstreamLimits.MaxCharacters)
        {
            throw new ImportException("The calendar is too large.");
        }

        var lines = Unfold(text);
        var output = new StringBuilder(text.Length + 64);
        var depth = 0;
        var events = 0;
        var sawCalendar = false;
        var bare = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = ValueColon(line);
            if (colon <= 0)
            {
                continue; // not a content line: dropped rather than failing the whole calendar
            }

            var name = NameOf(line, colon);
            if (name == "BEGIN")
            {
                var component = line[(colon + 1)..].Trim().ToUpperInvariant();
                if (depth == 0 && component != "VCALENDAR")
                {
                    // A bare component (Google's single-event files): give it a calendar.
                    output.Append("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//upstream//bare//EN\r\n");
                    depth++;
                    sawCalendar = true;
                    bare = true;
                }
                else if (depth == 0)
                {
                    if (sawCalendar)
                    {
                        break; // one calendar per document
                    }

                    sawCalendar = true;
                }

                if (++depth > UpstreamLimits.MaxDepth)
                {
                    throw new ImportException("The calendar nests components too deeply.");
                }

                if (component == "VEVENT" && ++events > UpstreamLimits.MaxItems)
                {
                    throw new ImportException($"The calendar has more than {UpstreamLimits.MaxItems} events.");
                }

                output.Append("BEGIN:").Append(component).Append("\r\n");
                continue;
            }

            if (depth == 0)
            {
                continue; // content outside any component (after END:VCALENDAR)
            }

            if (name == "END")
            {
                depth--;
                output.Append("END:").Append(line[(colon + 1)..].Trim().ToUpperInvariant()).Append("\r\n");
                if (depth == 0)
                {
                    break;
                }

                continue;
            }

            if (name is "RRULE" or "EXRULE")
            {
                line = string.Concat(line.AsSpan(0, colon + 1), line[(colon + 1)..].Replace(" ", string.Empty, StringComparison.Ordinal));
            }

            output.Append(line).Append("\r\n");
        }

        if (!sawCalendar)
        {
            throw new ImportException("Not an iCalendar document: no BEGIN:VCALENDAR or BEGIN:VEVENT.");
        }

        // A real calendar must end: a body cut off in transfer would otherwise lose events silently.
        if (depth > (bare ? 1 : 0))
        {
            throw new ImportException("The calendar is truncated: a component is never closed.");
        }

        if (bare)
        {
            output.Append("END:VCALENDAR\r\n");
        }

        return output.ToString();
    }

    /// <summary>Joins folded lines (CRLF, LF or CR followed by a space or TAB, RFC 5545 §3.1).</summary>
    private static List<string> Unfold(string text)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                if (i + 1 < text.Length && text[i + 1] is ' ' or '\t')
                {
                    i++; // continuation: drop the break and the one white-space character
                    continue;
                }

                lines.Add(current.ToString());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            lines.Add(current.ToString());
        }

        return lines;
    }

    /// <summary>Index of the ':' that ends the name and parameters (colons inside quoted parameter values do not count).</summary>
    private static int ValueColon(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ':' && !quoted)
            {
                return i;
            }
        }

        return -1;
    }

    private static string NameOf(string line, int colon)
    {
        var end = line.IndexOf(';');
        if (end < 0 || end > colon)
        {
            end = colon;
        }

        return line[..end].Trim().ToUpperInvariant();
    }
}
