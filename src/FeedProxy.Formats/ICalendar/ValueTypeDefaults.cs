namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Which properties need an explicit VALUE parameter in iCalendar text (RFC 5545 §3.2.20:
/// required when the type is not the property's default). xCal and jCal carry the type on
/// every property (the value element, the jCal type string) instead of a VALUE parameter.
/// </summary>
internal static class ValueTypeDefaults
{
    public static bool NeedsValueParameter(string name, CalendarValueType type) => name switch
    {
        // RFC 7986 §5.7 (REFRESH-INTERVAL) and §5.11 (CONFERENCE) make VALUE mandatory; §5.8
        // SOURCE is always a URI but clients are told explicitly; §5.10 IMAGE defaults to BINARY.
        "REFRESH-INTERVAL" or "SOURCE" or "IMAGE" or "CONFERENCE" => true,
        _ => DefaultOf(name) is { } standard && standard != type,
    };

    private static CalendarValueType? DefaultOf(string name) => name switch
    {
        "DTSTART" or "DTEND" or "DTSTAMP" or "LAST-MODIFIED" or "RDATE" or "EXDATE" or "RECURRENCE-ID" => CalendarValueType.DateTime,
        "URL" or "ATTACH" or "TZURL" => CalendarValueType.Uri,
        "SEQUENCE" => CalendarValueType.Integer,
        "GEO" => CalendarValueType.Float,
        "TZOFFSETFROM" or "TZOFFSETTO" => CalendarValueType.UtcOffset,
        "RRULE" => CalendarValueType.Recur,
        // RFC 5545 §3.8.6.3: TRIGGER defaults to DURATION (relative to the start).
        "TRIGGER" => CalendarValueType.Duration,
        // Not in RFC 5545; written without VALUE by every producer that emits it.
        "X-PUBLISHED-TTL" => CalendarValueType.Duration,
        _ => CalendarValueType.Text,
    };
}
