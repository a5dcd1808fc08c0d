namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Where one VEVENT of a written feed lies: its bytes from BEGIN to the CRLF after END, the
/// start of its UID line (-1 without one) and the zones its times name in TZID parameters
/// (null when none). What <see cref="CalendarObjectSplitter"/> would find by reading the
/// feed, noted while writing it instead, so splitting a feed just written needs no scan.
/// </summary>
public readonly record struct EventSpan(int Start, int End, int UidLine, IReadOnlyList<string>? Zones);

/// <summary>
/// Notes each VEVENT's span as <see cref="ContentLineSink"/> writes it (positions from the
/// <see cref="ContentLineWriter"/>, so no written byte is read again). Not thread-safe; one per render.
/// </summary>
internal sealed class EventSpanRecorder(ContentLineWriter writer, int expected)
{
    private readonly List<EventSpan> _events = new(expected);

    // The zones of the VEVENT being written, then shared with the previous VEVENT's when the
    // same (sessions of one event use one zone): the .ics render pays a few arrays, not one per session.
    private readonly List<string> _zones = [];
    private string[]? _lastZones;
    private int _depth;
    private int _start = -1;
    private int _uidLine = -1;

    public IReadOnlyList<EventSpan> Events => _events;

    private bool InEvent => _start >= 0;

    /// <summary>Before BEGIN:name is written.</summary>
    public void Begin(string name)
    {
        _depth++;
        if (_depth == 2 && name == "VEVENT")
        {
            _start = writer.Position;
            _uidLine = -1;
            _zones.Clear();
        }
    }

    /// <summary>After END:name is written.</summary>
    public void End()
    {
        if (_depth == 2 && InEvent)
        {
            _events.Add(new EventSpan(_start, writer.Position, _uidLine, Zones()));
            _start = -1;
        }

        _depth--;
    }

    /// <summary>Before a property line is written (the splitter keeps the last UID of a VEVENT, RFC 5545 §3.8.4.7 allows one).</summary>
    public void Property(string name)
    {
        if (_depth == 2 && InEvent && name == "UID")
        {
            _uidLine = writer.Position;
        }
    }

    /// <summary>A TZID parameter (RFC 5545 §3.2.19) written anywhere in the VEVENT, its alarms included.</summary>
    public void Zone(string zoneId)
    {
        if (InEvent && !_zones.Contains(zoneId))
        {
            _zones.Add(zoneId);
        }
    }

    private string[]? Zones()
    {
        if (_zones.Count == 0)
        {
            return null;
        }

        if (_lastZones is null || !_lastZones.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_zones)))
        {
            _lastZones = [.. _zones];
        }

        return _lastZones;
    }
}
