namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// One iCalendar component (VCALENDAR, VEVENT, VTIMEZONE, STANDARD, ...): the single
/// intermediate tree that the iCalendar, xCal and jCal serialisers all write, so the three
/// formats carry exactly the same data (RFC 6321 §3 and RFC 7265 §3 define both as
/// mechanical mappings of RFC 5545).
/// </summary>
internal sealed record CalendarComponent(
    string Name,
    IReadOnlyList<CalendarProperty> Properties,
    IReadOnlyList<CalendarComponent> Components);
