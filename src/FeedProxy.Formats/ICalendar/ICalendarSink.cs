using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// What <see cref="CalendarBuilder"/> emits, in document order (a component's properties
/// before its sub-components). <see cref="CalendarTreeSink"/> collects it into the
/// <see cref="CalendarComponent"/> tree that xCal and jCal serialise; <see cref="ContentLineSink"/>
/// writes iCalendar text as it comes, with no object per session or property. One builder
/// feeds both, so the three formats keep carrying the same data. Values arrive already
/// cleaned and never empty. The typed members are the properties every session has; anything
/// else arrives as a <see cref="CalendarProperty"/>.
/// </summary>
internal interface ICalendarSink
{
    void BeginComponent(string name);

    void EndComponent(string name);

    /// <summary>A whole component built elsewhere (VTIMEZONE).</summary>
    void Component(CalendarComponent component);

    void Property(CalendarProperty property);

    /// <summary>One TEXT value.</summary>
    void Text(string name, string value);

    /// <summary>One TEXT value composed in a buffer (description, UID, location).</summary>
    void ComposedText(string name, ReadOnlySpan<char> value);

    /// <summary>Several TEXT values (CATEGORIES).</summary>
    void Texts(string name, ReadOnlySpan<string> values);

    void Uri(string name, string uri, ReadOnlySpan<CalendarParameter> parameters);

    /// <summary>DATE-TIME: UTC, or local time in the zone named by TZID (never floating).</summary>
    void DateTime(string name, LocalDateTime local, bool isUtc, string? zoneId);

    void Integer(string name, int value);

    /// <summary>GEO, already rounded (<see cref="GeoValue"/>).</summary>
    void Geo(double latitude, double longitude);
}
