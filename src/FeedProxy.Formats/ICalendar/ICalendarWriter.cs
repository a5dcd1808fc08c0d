using System.Buffers;
using System.Globalization;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// iCalendar (RFC 5545) text of what <see cref="CalendarBuilder"/> emits: UTF-8 without BOM,
/// CRLF after every line, folded at 75 octets by <see cref="ContentLineWriter"/>. Feeds are
/// streamed through <see cref="ContentLineSink"/>; the tree form (<see cref="Write(CalendarComponent, IBufferWriter{byte})"/>)
/// is the reference they are tested against. Stateless and thread-safe.
/// </summary>
public sealed class ICalendarWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.ICalendar;

    public void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        // Streamed from the model: no calendar tree (ICalendarReference writes the same bytes from one).
        var writer = new ContentLineWriter(output);
        CalendarBuilder.Emit(document, new ContentLineSink(writer));
        writer.Flush();
    }

    /// <summary>
    /// Writes the feed as <see cref="Write(FeedDocument, IBufferWriter{byte})"/> does (the same
    /// bytes) and returns where each VEVENT lies in them, counted from the first octet written
    /// to <paramref name="output"/>, in feed order: what splitting the feed into calendar
    /// object resources needs (<see cref="CalendarObjectSplitter.Plan(ReadOnlySpan{byte}, IReadOnlyList{EventSpan})"/>)
    /// without reading it again.
    /// </summary>
    public static IReadOnlyList<EventSpan> WriteRecording(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new ContentLineWriter(output);
        var recorder = new EventSpanRecorder(writer, document.Sessions.Count);
        CalendarBuilder.Emit(document, new ContentLineSink(writer, recorder));
        writer.Flush();
        return recorder.Events;
    }

    internal static void Write(CalendarComponent calendar, IBufferWriter<byte> output)
    {
        var writer = new ContentLineWriter(output);
        WriteComponent(writer, calendar);
        writer.Flush();
    }

    internal static void WriteComponent(ContentLineWriter writer, CalendarComponent component)
    {
        writer.WriteAscii("BEGIN:");
        writer.WriteAscii(component.Name);
        writer.EndLine();
        foreach (var property in component.Properties)
        {
            WriteProperty(writer, property);
        }

        foreach (var child in component.Components)
        {
            WriteComponent(writer, child);
        }

        writer.WriteAscii("END:");
        writer.WriteAscii(component.Name);
        writer.EndLine();
    }

    internal static void WriteProperty(ContentLineWriter writer, CalendarProperty property)
    {
        writer.WriteAscii(property.Name);
        if (ValueTypeDefaults.NeedsValueParameter(property.Name, property.Type))
        {
            writer.WriteAscii(";VALUE=");
            writer.WriteAscii(property.Type.Name());
        }

        foreach (var parameter in property.Parameters)
        {
            writer.WriteAscii(';');
            writer.WriteAscii(parameter.Name);
            writer.WriteAscii('=');
            writer.WriteParameterValue(parameter.Value);
        }

        writer.WriteAscii(':');
        for (var i = 0; i < property.Values.Count; i++)
        {
            if (i > 0)
            {
                // Multiple values are comma separated (§3.1.1); TEXT commas inside a value are escaped.
                writer.WriteAscii(',');
            }

            WriteValue(writer, property.Values[i]);
        }

        writer.EndLine();
    }

    private static void WriteValue(ContentLineWriter writer, CalendarValue value)
    {
        switch (value)
        {
            case TextValue text:
                writer.WriteText(text.Text);
                break;
            case UriValue uri:
                writer.WriteUri(uri.Uri);
                break;
            case DateTimeValue dateTime:
                Span<char> chars = stackalloc char[ValueFormat.MaxDateTimeLength];
                writer.WriteAscii(chars[..ValueFormat.FormatDateTime(dateTime, extended: false, chars)]);
                break;
            case DurationValue duration:
                writer.WriteAscii(ValueFormat.Duration(duration.Duration));
                break;
            case IntegerValue integer:
                Span<char> digits = stackalloc char[11];
                integer.Value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
                writer.WriteAscii(digits[..length]);
                break;
            case GeoValue geo:
                // §3.8.1.6: latitude and longitude separated by a semicolon.
                writer.WriteAscii(ValueFormat.Float(geo.Latitude));
                writer.WriteAscii(';');
                writer.WriteAscii(ValueFormat.Float(geo.Longitude));
                break;
            case UtcOffsetValue offset:
                writer.WriteAscii(ValueFormat.UtcOffset(offset.Offset, extended: false));
                break;
            case RecurValue recur:
                writer.WriteAscii(ValueFormat.Recur(recur));
                break;
            case RuleValue rule:
                writer.WriteAscii(rule.Rule.ToString());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Unknown calendar value.");
        }
    }
}
