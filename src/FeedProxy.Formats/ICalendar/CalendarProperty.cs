namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// A property: upper-case name, ordered parameters, one value type and one or more values
/// of that type (several for CATEGORIES or RDATE). The value type is explicit because xCal
/// and jCal write it on every property, while iCalendar text writes VALUE= only where the
/// type is not the property's default (RFC 5545 §3.2.20).
/// </summary>
internal sealed record CalendarProperty(
    string Name,
    IReadOnlyList<CalendarParameter> Parameters,
    CalendarValueType Type,
    IReadOnlyList<CalendarValue> Values)
{
    public CalendarProperty(string name, CalendarValueType type, CalendarValue value)
        : this(name, [], type, [value])
    {
    }

    public CalendarProperty(string name, CalendarParameter parameter, CalendarValueType type, CalendarValue value)
        : this(name, [parameter], type, [value])
    {
    }
}

/// <summary>A property parameter (RFC 5545 §3.2); every parameter we write has TEXT values.</summary>
internal sealed record CalendarParameter(string Name, string Value);

/// <summary>The value types of RFC 5545 §3.3 this project writes.</summary>
internal enum CalendarValueType
{
    Text,
    DateTime,
    Uri,
    Duration,
    Integer,
    Float,
    Recur,
    UtcOffset,
    CalAddress,
}

internal static class CalendarValueTypes
{
    /// <summary>Upper-case name as iCalendar's VALUE parameter writes it.</summary>
    public static string Name(this CalendarValueType type) => type switch
    {
        CalendarValueType.Text => "TEXT",
        CalendarValueType.DateTime => "DATE-TIME",
        CalendarValueType.Uri => "URI",
        CalendarValueType.Duration => "DURATION",
        CalendarValueType.Integer => "INTEGER",
        CalendarValueType.Float => "FLOAT",
        CalendarValueType.Recur => "RECUR",
        CalendarValueType.UtcOffset => "UTC-OFFSET",
        CalendarValueType.CalAddress => "CAL-ADDRESS",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Lower-case name, the xCal element (RFC 6321 §3.6) and jCal type string (RFC 7265 §3.5).</summary>
    public static string XmlName(this CalendarValueType type) => type switch
    {
        CalendarValueType.Text => "text",
        CalendarValueType.DateTime => "date-time",
        CalendarValueType.Uri => "uri",
        CalendarValueType.Duration => "duration",
        CalendarValueType.Integer => "integer",
        CalendarValueType.Float => "float",
        CalendarValueType.Recur => "recur",
        CalendarValueType.UtcOffset => "utc-offset",
        CalendarValueType.CalAddress => "cal-address",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
