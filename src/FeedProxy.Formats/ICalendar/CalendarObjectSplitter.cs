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
public sealed record CalendarLayout(
    IReadOnlyList<CalendarObjectLayout> Objects,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyDictionary<string, ReadOnlyMemory<byte>> TimeZones);

/// <summary>One object as pieces: the shared header, the VTIMEZONEs it uses, its VEVENTs' ranges in the feed, the footer.</summary>
public sealed class CalendarObjectLayout
{
    private static ReadOnlySpan<byte> Footer => "END:VCALENDAR\r\n"u8;

    private readonly byte[] _header;
    private readonly byte[][] _zones;
    private readonly (int Offset, int Length)[] _blocks;

    internal CalendarObjectLayout(string uid, byte[] header, byte[][] zones, Range[] blocks)
    {
        Uid = uid;
        _header = header;
        _zones = zones;
        _blocks = [.. blocks.Select(b => (b.Start.Value, b.End.Value - b.Start.Value))];
        Length = header.Length + zones.Sum(z => z.Length) + _blocks.Sum(b => b.Length) + Footer.Length;
    }

    public string Uid { get; }

    /// <summary>The object's size in bytes.</summary>
    public int Length { get; }

    /// <summary>Writes the object (exactly <see cref="Length"/> bytes) from the feed it was planned on.</summary>
    public void CopyTo(ReadOnlySpan<byte> feed, Span<byte> destination)
    {
        var at = 0;
        _header.CopyTo(destination);
        at += _header.Length;
        foreach (var zone in _zones)
        {
            zone.CopyTo(destination[at..]);
            at += zone.Length;
        }

        foreach (var (offset, length) in _blocks)
        {
            feed.Slice(offset, length).CopyTo(destination[at..]);
            at += length;
        }

        Footer.CopyTo(destination[at..]);
    }
}

public static class CalendarObjectSplitter
{
    private static readonly string[] KeptHeaders = ["PRODID", "VERSION", "CALSCALE"];

    /// <summary>The objects of <paramref name="feed"/> in the order their first VEVENT appears.</summary>
    public static SplitCalendar Split(ReadOnlySpan<byte> feed)
    {
        var layout = Plan(feed);
        var objects = new List<CalendarObject>(layout.Objects.Count);
        foreach (var item in layout.Objects)
        {
            var bytes = new byte[item.Length];
            item.CopyTo(feed, bytes);
            objects.Add(new CalendarObject(item.Uid, bytes));
        }

        return new SplitCalendar(objects, layout.Properties, layout.TimeZones);
    }

    /// <summary>
    /// Where each object's bytes come from, without copying them: a caller that stores the
    /// objects writes each once, straight into its own buffer (<see cref="CalendarObjectLayout.CopyTo"/>).
    /// </summary>
    public static CalendarLayout Plan(ReadOnlySpan<byte> feed) => Scan(feed).Assemble();

    /// <summary>
    /// The same plan for a feed whose VEVENTs were noted as it was written
    /// (<see cref="ICalendarWriter.WriteRecording"/>): only what precedes the first VEVENT (the
    /// calendar's properties and VTIMEZONEs, a few KB) is read; each object's UID is read from
    /// its line. The writer puts nothing but END:VCALENDAR after the last VEVENT.
    /// </summary>
    public static CalendarLayout Plan(ReadOnlySpan<byte> feed, IReadOnlyList<EventSpan> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var scan = Scan(feed[..(events.Count > 0 ? events[0].Start : feed.Length)]);
        foreach (var item in events)
        {
            string uid;
            if (item.UidLine < 0)
            {
                uid = string.Empty;
            }
            else
            {
                var logical = Unfold(feed, item.UidLine, out _);
                var colon = ValueStart(logical);
                uid = colon < 0 ? string.Empty : UnescapeText(logical[(colon + 1)..]);
            }

            scan.AddEvent(uid, new Range(item.Start, item.End), item.Zones);
        }

        return scan.Assemble();
    }

    private static Scanned Scan(ReadOnlySpan<byte> feed)
    {
        var scan = new Scanned();
        var properties = scan.Properties;
        var header = scan.Header;
        var zones = scan.Zones;

        // One pass over the physical lines; only the few lines that matter (calendar
        // properties, UID, TZID references) are unfolded into strings.
        var position = 0;
        var depth = 0;
        var blockStart = -1;
        var blockKind = string.Empty;
        string? uid = null;
        string? tzid = null;
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        while (position < feed.Length)
        {
            var lineEnd = LineEnd(feed, position);
            var line = feed[position..lineEnd];
            if (line.StartsWith("BEGIN:"u8))
            {
                depth++;
                if (depth == 2)
                {
                    blockStart = position;
                    blockKind = Encoding.ASCII.GetString(line[6..].TrimEnd("\r\n"u8));
                    uid = null;
                    tzid = null;
                    referenced = new HashSet<string>(StringComparer.Ordinal);
                }

                position = lineEnd;
                continue;
            }

            if (line.StartsWith("END:"u8))
            {
                if (depth == 2 && blockStart >= 0)
                {
                    if (blockKind == "VTIMEZONE")
                    {
                        zones.Add((tzid ?? string.Empty, feed[blockStart..lineEnd].ToArray()));
                    }
                    else if (blockKind == "VEVENT")
                    {
                        scan.AddEvent(uid ?? string.Empty, new Range(blockStart, lineEnd), referenced);
                    }

                    blockStart = -1;
                }

                depth--;
                position = lineEnd;
                continue;
            }

            if (depth == 1 && line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var logical = Unfold(feed, position, out _);
                if (IsKeptHeader(logical))
                {
                    header.Write(feed[position..NextLogical(feed, lineEnd)]);
                }

                var colon = ValueStart(logical);
                var nameEnd = logical.IndexOfAny([';', ':']);
                if (colon > 0 && nameEnd > 0)
                {
                    properties.TryAdd(logical[..nameEnd], UnescapeText(logical[(colon + 1)..]));
                }
            }
            else if (depth == 2 && blockKind == "VEVENT" && line.StartsWith("UID"u8) && line.Length > 3 && line[3] is (byte)':' or (byte)';')
            {
                var logical = Unfold(feed, position, out _);
                var colon = ValueStart(logical);
                uid = colon < 0 ? string.Empty : UnescapeText(logical[(colon + 1)..]);
            }
            else if (depth == 2 && blockKind == "VTIMEZONE" && line.StartsWith("TZID"u8) && line.Length > 4 && line[4] is (byte)':' or (byte)';')
            {
                var logical = Unfold(feed, position, out _);
                var colon = ValueStart(logical);
                tzid = colon < 0 ? string.Empty : UnescapeText(logical[(colon + 1)..]);
            }
            else if (depth >= 2 && blockKind == "VEVENT" && line.IndexOf(";TZID="u8) is >= 0)
            {
                // DTSTART, DTEND, RDATE, EXDATE, RECURRENCE-ID… in some zone (§3.2.19).
                var logical = Unfold(feed, position, out _);
                var at = logical.IndexOf(";TZID=", StringComparison.Ordinal) + 6;
                if (at > ValueStart(logical))
                {
                    // In the value (a TEXT value's escaped semicolon, §3.3.11), not a parameter.
                    position = lineEnd;
                    continue;
                }

                var quoted = at < logical.Length && logical[at] == '"';
                var end = quoted ? logical.IndexOf('"', at + 1) : logical.IndexOfAny([';', ':'], at);
                if (end > at)
                {
                    referenced.Add(quoted ? logical[(at + 1)..end] : logical[at..end]);
                }
            }

            position = lineEnd;
        }

        return scan;
    }

    /// <summary>What a scan found: calendar properties, the kept header lines, the VTIMEZONEs, and the VEVENTs grouped by UID.</summary>
    private sealed class Scanned
    {
        private readonly List<(string Uid, List<Range> Blocks, HashSet<string> Zones)> _events = [];
        private readonly Dictionary<string, int> _byUid = new(StringComparer.Ordinal);

        public Scanned() => Header.Write("BEGIN:VCALENDAR\r\n"u8);

        public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

        public ArrayBufferWriter<byte> Header { get; } = new(128);

        public List<(string Id, byte[] Bytes)> Zones { get; } = [];

        /// <summary>One VEVENT's bytes; a series and its overrides (one UID) make one object (RFC 4791 §4.1).</summary>
        public void AddEvent(string uid, Range block, IEnumerable<string>? zones)
        {
            if (!_byUid.TryGetValue(uid, out var index))
            {
                _byUid[uid] = index = _events.Count;
                _events.Add((uid, [], new HashSet<string>(StringComparer.Ordinal)));
            }

            if (zones is not null)
            {
                _events[index].Zones.UnionWith(zones);
            }

            _events[index].Blocks.Add(block);
        }

        public CalendarLayout Assemble()
        {
            var header = Header;
            var zones = Zones;
            var properties = Properties;
            var headerBytes = header.WrittenSpan.ToArray();
            var layouts = new List<CalendarObjectLayout>(_events.Count);
            foreach (var (key, blocks, used) in _events)
            {
                var kept = zones.Where(z => used.Contains(z.Id)).Select(z => z.Bytes).ToArray();
                layouts.Add(new CalendarObjectLayout(key, headerBytes, kept, [.. blocks]));
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

            return new CalendarLayout(layouts, properties, timeZones);
        }
    }

    /// <summary>Where the next content line starts after the physical line ending at <paramref name="lineEnd"/> (skipping its folds).</summary>
    private static int NextLogical(ReadOnlySpan<byte> text, int lineEnd)
    {
        var position = lineEnd;
        while (position < text.Length && text[position] is (byte)' ' or (byte)'\t')
        {
            position = LineEnd(text, position);
        }

        return position;
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
