using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.XCal;

/// <summary>
/// xCal (RFC 6321) of the same <see cref="CalendarBuilder"/> tree the iCalendar writer uses;
/// or, for <see cref="XCalDialect.Pentabarf"/>, the conference tools' older vocabulary.
/// Stateless and thread-safe.
/// </summary>
public sealed class XCalWriter : IFeedWriter
{
    private const string Namespace = "urn:ietf:params:xml:ns:icalendar-2.0";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        CheckCharacters = true,
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        CloseOutput = false,
    };

    public FeedFormat Format => FeedFormat.XCal;

    public void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(output);
        if (document.Options.XCalDialect == XCalDialect.Pentabarf)
        {
            PentabarfXCalWriter.Write(document, output);
            return;
        }

        Write(CalendarBuilder.Build(document), output);
    }

    internal static void Write(CalendarComponent calendar, IBufferWriter<byte> output)
    {
        using var stream = new BufferWriterStream(output);
        using var xml = XmlWriter.Create(stream, Settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("icalendar", Namespace);
        WriteComponent(xml, calendar);
        xml.WriteEndElement();
        xml.WriteEndDocument();
        xml.Flush();
    }

    /// <summary>RFC 6321 §3.3: lower-case name, then "properties" and "components" (each left out when empty).</summary>
    private static void WriteComponent(XmlWriter xml, CalendarComponent component)
    {
        xml.WriteStartElement(component.Name.ToLowerInvariant(), Namespace);
        if (component.Properties.Count > 0)
        {
            xml.WriteStartElement("properties", Namespace);
            foreach (var property in component.Properties)
            {
                WriteProperty(xml, property);
            }

            xml.WriteEndElement();
        }

        if (component.Components.Count > 0)
        {
            xml.WriteStartElement("components", Namespace);
            foreach (var child in component.Components)
            {
                WriteComponent(xml, child);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>RFC 6321 §3.4/§3.5: typed parameter values, then one value-type element per value.</summary>
    private static void WriteProperty(XmlWriter xml, CalendarProperty property)
    {
        xml.WriteStartElement(property.Name.ToLowerInvariant(), Namespace);
        if (property.Parameters.Count > 0)
        {
            xml.WriteStartElement("parameters", Namespace);
            foreach (var parameter in property.Parameters)
            {
                xml.WriteStartElement(parameter.Name.ToLowerInvariant(), Namespace);
                xml.WriteElementString("text", Namespace, parameter.Value);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        foreach (var value in property.Values)
        {
            WriteValue(xml, property.Type, value);
        }

        xml.WriteEndElement();
    }

    private static void WriteValue(XmlWriter xml, CalendarValueType type, CalendarValue value)
    {
        switch (value)
        {
            case GeoValue geo:
                // §3.4.1.2: GEO holds latitude and longitude directly, no value-type wrapper.
                xml.WriteElementString("latitude", Namespace, ValueFormat.Float(geo.Latitude));
                xml.WriteElementString("longitude", Namespace, ValueFormat.Float(geo.Longitude));
                break;
            case RecurValue recur:
                // §3.6.10, in the schema's element order: freq, until, byday, bymonth.
                xml.WriteStartElement("recur", Namespace);
                xml.WriteElementString("freq", Namespace, recur.Frequency);
                if (recur.Until is { } until)
                {
                    xml.WriteElementString("until", Namespace, ValueFormat.UtcDateTime(until, extended: true));
                }

                xml.WriteElementString("byday", Namespace, recur.ByDay);
                xml.WriteElementString("bymonth", Namespace, recur.ByMonth.ToString(CultureInfo.InvariantCulture));
                xml.WriteEndElement();
                break;
            case RuleValue rule:
                WriteRule(xml, rule.Rule);
                break;
            default:
                xml.WriteElementString(type.XmlName(), Namespace, Scalar(value));
                break;
        }
    }

    /// <summary>
    /// RFC 6321 §3.6.10: one element per rule part and per value, in the schema's order
    /// (freq, until or count, interval, bysecond ... bysetpos, wkst).
    /// </summary>
    private static void WriteRule(XmlWriter xml, Recurring.RecurrenceRule rule)
    {
        xml.WriteStartElement("recur", Namespace);
        xml.WriteElementString("freq", Namespace, rule.Frequency.ToString().ToUpperInvariant());
        if (rule.Until is { } until)
        {
            xml.WriteElementString("until", Namespace, ValueFormat.UtcDateTime(until, extended: true));
        }

        if (rule.Count is { } count)
        {
            xml.WriteElementString("count", Namespace, count.ToString(CultureInfo.InvariantCulture));
        }

        if (rule.Interval != 1)
        {
            xml.WriteElementString("interval", Namespace, rule.Interval.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, values) in rule.Parts())
        {
            foreach (var value in values)
            {
                xml.WriteElementString(name.ToLowerInvariant(), Namespace, value);
            }
        }

        if (rule.WeekStart != NodaTime.IsoDayOfWeek.Monday)
        {
            xml.WriteElementString("wkst", Namespace, Recurring.RecurrenceRule.DayCode(rule.WeekStart));
        }

        xml.WriteEndElement();
    }

    private static string Scalar(CalendarValue value) => value switch
    {
        TextValue text => text.Text,
        UriValue uri => uri.Uri,
        DateTimeValue dateTime => ValueFormat.DateTime(dateTime, extended: true),
        DurationValue duration => ValueFormat.Duration(duration.Duration),
        IntegerValue integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        UtcOffsetValue offset => ValueFormat.UtcOffset(offset.Offset, extended: true),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Unknown calendar value."),
    };
}
