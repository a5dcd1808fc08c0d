using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;

namespace FeedProxy.Formats.JCal;

/// <summary>
/// jCal (RFC 7265) of the same <see cref="CalendarBuilder"/> tree the iCalendar writer uses:
/// <c>["vcalendar",[properties],[components]]</c>, each property
/// <c>[name,{parameters},type,value...]</c>. Stateless and thread-safe.
/// </summary>
public sealed class JCalWriter : IFeedWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Not Environment.NewLine: the bytes must not depend on the host OS.
        NewLine = "\n",
        // Served as application/calendar+json, never embedded in HTML: non-ASCII stays readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public FeedFormat Format => FeedFormat.JCal;

    public void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        Write(CalendarBuilder.Build(document), output);
    }

    internal static void Write(CalendarComponent calendar, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output, Options);
        WriteComponent(json, calendar);
        json.Flush();
    }

    /// <summary>RFC 7265 §3.2: [name, [properties], [components]], name in lower case.</summary>
    private static void WriteComponent(Utf8JsonWriter json, CalendarComponent component)
    {
        json.WriteStartArray();
        json.WriteStringValue(component.Name.ToLowerInvariant());
        json.WriteStartArray();
        foreach (var property in component.Properties)
        {
            WriteProperty(json, property);
        }

        json.WriteEndArray();
        json.WriteStartArray();
        foreach (var child in component.Components)
        {
            WriteComponent(json, child);
        }

        json.WriteEndArray();
        json.WriteEndArray();
    }

    /// <summary>RFC 7265 §3.4: [name, {parameters}, type, value...]; VALUE is the type field, never a parameter.</summary>
    private static void WriteProperty(Utf8JsonWriter json, CalendarProperty property)
    {
        json.WriteStartArray();
        json.WriteStringValue(property.Name.ToLowerInvariant());
        json.WriteStartObject();
        foreach (var parameter in property.Parameters)
        {
            json.WriteString(parameter.Name.ToLowerInvariant(), parameter.Value);
        }

        json.WriteEndObject();
        json.WriteStringValue(property.Type.XmlName());
        foreach (var value in property.Values)
        {
            WriteValue(json, value);
        }

        json.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter json, CalendarValue value)
    {
        switch (value)
        {
            case TextValue text:
                json.WriteStringValue(text.Text);
                break;
            case UriValue uri:
                json.WriteStringValue(uri.Uri);
                break;
            case DateTimeValue dateTime:
                json.WriteStringValue(ValueFormat.DateTime(dateTime, extended: true));
                break;
            case DurationValue duration:
                json.WriteStringValue(ValueFormat.Duration(duration.Duration));
                break;
            case IntegerValue integer:
                json.WriteNumberValue(integer.Value);
                break;
            case UtcOffsetValue offset:
                json.WriteStringValue(ValueFormat.UtcOffset(offset.Offset, extended: true));
                break;
            case GeoValue geo:
                // §3.4.1.2 example: GEO is one structured value, [latitude, longitude]; fixed
                // notation keeps the digits equal to the iCalendar and xCal output.
                json.WriteStartArray();
                json.WriteRawValue(ValueFormat.Float(geo.Latitude), skipInputValidation: true);
                json.WriteRawValue(ValueFormat.Float(geo.Longitude), skipInputValidation: true);
                json.WriteEndArray();
                break;
            case RecurValue recur:
                // §3.6.10: an object; numeric parts are numbers, BYDAY stays a string.
                json.WriteStartObject();
                json.WriteString("freq", recur.Frequency);
                if (recur.Until is { } until)
                {
                    json.WriteString("until", ValueFormat.UtcDateTime(until, extended: true));
                }

                json.WriteNumber("bymonth", recur.ByMonth);
                json.WriteString("byday", recur.ByDay);
                json.WriteEndObject();
                break;
            case RuleValue rule:
                WriteRule(json, rule.Rule);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Unknown calendar value.");
        }
    }

    /// <summary>
    /// RFC 7265 §3.6.10: an object with lower-case part names; numeric parts are numbers, a part
    /// with several values is an array, BYDAY entries and WKST stay strings.
    /// </summary>
    private static void WriteRule(Utf8JsonWriter json, Recurring.RecurrenceRule rule)
    {
        json.WriteStartObject();
        json.WriteString("freq", rule.Frequency.ToString().ToUpperInvariant());
        if (rule.Until is { } until)
        {
            json.WriteString("until", ValueFormat.UtcDateTime(until, extended: true));
        }

        if (rule.Count is { } count)
        {
            json.WriteNumber("count", count);
        }

        if (rule.Interval != 1)
        {
            json.WriteNumber("interval", rule.Interval);
        }

        foreach (var (name, values) in rule.Parts())
        {
            var numeric = name != "BYDAY";
            json.WritePropertyName(name.ToLowerInvariant());
            if (values.Count > 1)
            {
                json.WriteStartArray();
            }

            foreach (var value in values)
            {
                if (numeric)
                {
                    json.WriteRawValue(value, skipInputValidation: true);
                }
                else
                {
                    json.WriteStringValue(value);
                }
            }

            if (values.Count > 1)
            {
                json.WriteEndArray();
            }
        }

        if (rule.WeekStart != NodaTime.IsoDayOfWeek.Monday)
        {
            json.WriteString("wkst", Recurring.RecurrenceRule.DayCode(rule.WeekStart));
        }

        json.WriteEndObject();
    }
}
