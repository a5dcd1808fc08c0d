using System.Buffers;
using System.Text;

namespace FeedProxy.Formats.ICalendar;

/// <summary>One calendar object resource (RFC 4791 §4.1): every VEVENT of one UID, as a complete VCALENDAR.</summary>
/// <param name="Uid">The UID shared by the series and its overrides.</param>
/// <param name="Data">The VCALENDAR bytes: the feed's PRODID/VERSION/CALSCALE, the VTIMEZONEs the events use, the VEVENTs byte for byte.</param>
public sealed record CalendarObject(string Uid, ReadOnlyMemory<byte> Data);

/// <summary>A feed split into objects, with what describes the calendar as a whole.</summary>
/// <param name="Objects">The calendar object resources, in feed order.</param>
/// <param name="Properties">Calendar-level properties (first of each name), values unescaped: NAME, X-WR-CALNAME, X-WR-TIMEZONE, COLOR…</param>
/// <param name="TimeZones">Each VTIMEZONE as a VCALENDAR of its own (RFC 4791 §5.2.2 calendar-timezone), by TZID.</param>
public sealed record SplitCalendar(
    IReadOnlyList<CalendarObject> Objects,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyDictionary<string, ReadOnlyMemory<byte>> TimeZones);

/// <summary>
/// Splits a rendered iCalendar feed into calendar object resources without re-rendering: each
/// VEVENT keeps the exact bytes it has in the feed (same UID, SEQUENCE, DTSTAMP, folding), so
/// a client that reads both sees one event. RFC 4791 §4.1: one UID per resource (a recurring
/// series and its RECURRENCE-ID overrides together), no METHOD property, and the VTIMEZONE
/// components the resource refers to. Calendar-level properties other than PRODID, VERSION and
/// CALSCALE (name, description, refresh hints) describe the feed, not the object, and are
/// dropped. Stateless and thread-safe.
/// </summary>
public static class CalendarObjectSplitter
{
    private static readonly string[] KeptHeaders = ["PRODID", "VERSION", "CALSCALE"];

    /// <summary>The objects of <paramref name="feed"/> in the order their first VEVENT appears.</summary>
    public static SplitCalendar Split(ReadOnlySpan<byte> feed)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var header = new ArrayBufferWriter<byte>(128);
        header.Write("BEGIN:VCALENDAR\r\n"u8);
        var zones = new List<(string Id, byte[] Bytes)>();
        var events = new List<(string Uid, List<byte[]> Blocks, string Text)>();
        var byUid = new Dictionary<string, int>(StringComparer.Ordinal);

        var position = 0;
        var depth = 0;
        var blockStart = -1;
        string? blockKind = null;
        while (position < feed.Length)
        {
            var lineEnd = LineEnd(feed, position);
            var line = feed[position..lineEnd];
            var logical = Unfold(feed, position, out var next);
            if (line.StartsWith("BEGIN:"u8))
            {
                depth++;
                if (depth == 2)
                {
                    blockStart = position;
                    blockKind = Encoding.ASCII.GetString(line[6..].TrimEnd("\r\n"u8));
                }
            }
            else if (line.StartsWith("END:"u8))
            {
                if (depth == 2 && blockStart >= 0)
                {
                    var bytes = feed[blockStart..lineEnd].ToArray();
                    if (blockKind == "VTIMEZONE")
                    {
                        zones.Add((PropertyValue(bytes, "TZID") ?? string.Empty, bytes));
                    }
                    else if (blockKind == "VEVENT")
                    {
                        var uid = PropertyValue(bytes, "UID") ?? string.Empty;
                        if (!byUid.TryGetValue(uid, out var index))
                        {
                            byUid[uid] = index = events.Count;
                            events.Add((uid, [], string.Empty));
                        }

                        var (u, blocks, text) = events[index];
                        blocks.Add(bytes);
                        events[index] = (u, blocks, text + UnfoldAll(bytes));
                    }

                    blockStart = -1;
                }

                depth--;
            }
            else if (depth == 1)
            {
                if (IsKeptHeader(logical))
                {
                    header.Write(feed[position..next]);
                }

                var colon = ValueStart(logical);
                var nameEnd = logical.IndexOfAny([';', ':']);
                if (colon > 0 && nameEnd > 0)
                {
                    properties.TryAdd(logical[..nameEnd], UnescapeText(logical[(colon + 1)..]));
                }
            }

            position = next;
        }

        var result = new List<CalendarObject>(events.Count);
        foreach (var (uid, blocks, text) in events)
        {
            var output = new ArrayBufferWriter<byte>(header.WrittenCount + blocks.Sum(b => b.Length) + 64);
            output.Write(header.WrittenSpan);
            foreach (var (id, bytes) in zones)
            {
                if (id.Length > 0 && (text.Contains("TZID=" + id + ":", StringComparison.Ordinal)
                    || text.Contains("TZID=" + id + ";", StringComparison.Ordinal)
                    || text.Contains("TZID=\"" + id + "\"", StringComparison.Ordinal)))
                {
                    output.Write(bytes);
                }
            }

            foreach (var block in blocks)
            {
                output.Write(block);
            }

            output.Write("END:VCALENDAR\r\n"u8);
            result.Add(new CalendarObject(uid, output.WrittenMemory));
        }

        var timeZones = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        foreach (var (id, bytes) in zones)
        {
            var output = new ArrayBufferWriter<byte>(header.WrittenCount + bytes.Length + 16);
            output.Write(header.WrittenSpan);
            output.Write(bytes);
            output.Write("END:VCALENDAR\r\n"u8);
            timeZones.TryAdd(id, output.WrittenMemory);
        }

        return new SplitCalendar(result, properties, timeZones);
    }

    private static bool IsKeptHeader(string logical)
    {
        foreach (var name in KeptHeaders)
        {
            if (logical.Length > name.Length && logical.StartsWith(name, StringComparison.Ordinal) && logical[name.Length] is ':' or ';')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Index just past the CRLF (or LF) ending the physical line at <paramref name="start"/>.</summary>
    private static int LineEnd(ReadOnlySpan<byte> text, int start)
    {
        var newline = text[start..].IndexOf((byte)'\n');
        return newline < 0 ? text.Length : start + newline + 1;
    }

    /// <summary>The content line starting at <paramref name="start"/> with its folds removed (RFC 5545 §3.1); <paramref name="next"/> is where the next one starts.</summary>
    private static string Unfold(ReadOnlySpan<byte> text, int start, out int next)
    {
        var bytes = new ArrayBufferWriter<byte>(80);
        var position = start;
        var first = true;
        while (position < text.Length && (first || text[position] is (byte)' ' or (byte)'\t'))
        {
            var end = LineEnd(text, position);
            var line = text[(first ? position : position + 1)..end].TrimEnd("\r\n"u8);
            bytes.Write(line);
            position = end;
            first = false;
        }

        next = position;
        return Encoding.UTF8.GetString(bytes.WrittenSpan);
    }

    private static string UnfoldAll(ReadOnlySpan<byte> block)
    {
        var text = new StringBuilder(block.Length);
        var position = 0;
        while (position < block.Length)
        {
            text.Append(Unfold(block, position, out position)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The (unescaped) value of the first top-level <paramref name="name"/> property of a component's bytes.</summary>
    private static string? PropertyValue(ReadOnlySpan<byte> block, string name)
    {
        var position = 0;
        var depth = 0;
        while (position < block.Length)
        {
            var logical = Unfold(block, position, out position);
            if (logical.StartsWith("BEGIN:", StringComparison.Ordinal))
            {
                depth++;
            }
            else if (logical.StartsWith("END:", StringComparison.Ordinal))
            {
                depth--;
            }
            else if (depth == 1 && logical.Length > name.Length && logical.StartsWith(name, StringComparison.Ordinal) && logical[name.Length] is ':' or ';')
            {
                var colon = ValueStart(logical);
                return colon < 0 ? null : UnescapeText(logical[(colon + 1)..]);
            }
        }

        return null;
    }

    /// <summary>The colon separating name and parameters from the value, skipping quoted parameter values (§3.1).</summary>
    private static int ValueStart(string logical)
    {
        var quoted = false;
        for (var i = 0; i < logical.Length; i++)
        {
            switch (logical[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case ':' when !quoted:
                    return i;
            }
        }

        return -1;
    }

    // §3.3.11: TEXT escapes backslash, semicolon, comma and newline.
    private static string UnescapeText(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                text.Append(value[i] is 'n' or 'N' ? '\n' : value[i]);
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }
}
