using System.Globalization;
using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Writes what <see cref="CalendarBuilder"/> emits straight as iCalendar text: the bytes
/// <see cref="ICalendarWriter"/> writes for the same properties in tree form (the tests
/// compare the two on every corpus), without an object per session or property. Not
/// thread-safe; one per render.
/// </summary>
internal sealed class ContentLineSink(ContentLineWriter writer, EventSpanRecorder? recorder = null) : ICalendarSink
{
    /// <summary>GEO text per rounded position (sessions share a few rooms); keyed by bits, so 0 and -0 stay apart.</summary>
    private readonly Dictionary<(long, long), string> _geo = [];

    public void BeginComponent(string name)
    {
        recorder?.Begin(name);
        writer.WriteAscii("BEGIN:");
        writer.WriteAscii(name);
        writer.EndLine();
    }

    public void EndComponent(string name)
    {
        writer.WriteAscii("END:");
        writer.WriteAscii(name);
        writer.EndLine();
        recorder?.End();
    }

    public void Component(CalendarComponent component)
    {
        // Written whole (VTIMEZONE, at the calendar's level): nothing in it is a VEVENT's.
        ICalendarWriter.WriteComponent(writer, component);
    }

    public void Property(CalendarProperty property)
    {
        if (recorder is not null)
        {
            recorder.Property(property.Name);
            foreach (var parameter in property.Parameters)
            {
                if (parameter.Name == "TZID")
                {
                    recorder.Zone(parameter.Value);
                }
            }
        }

        ICalendarWriter.WriteProperty(writer, property);
    }

    public void Text(string name, string value) => ComposedText(name, value);

    public void ComposedText(string name, ReadOnlySpan<char> value)
    {
        Name(name, CalendarValueType.Text);
        writer.WriteAscii(':');
        writer.WriteText(value);
        writer.EndLine();
    }

    public void Texts(string name, ReadOnlySpan<string> values)
    {
        Name(name, CalendarValueType.Text);
        writer.WriteAscii(':');
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                writer.WriteAscii(',');
            }

            writer.WriteText(values[i]);
        }

        writer.EndLine();
    }

    public void Uri(string name, string uri, ReadOnlySpan<CalendarParameter> parameters)
    {
        Name(name, CalendarValueType.Uri);
        foreach (var parameter in parameters)
        {
            Parameter(parameter.Name, parameter.Value);
        }

        writer.WriteAscii(':');
        writer.WriteUri(uri);
        writer.EndLine();
    }

    public void DateTime(string name, LocalDateTime local, bool isUtc, string? zoneId)
    {
        Name(name, CalendarValueType.DateTime);
        if (zoneId is not null)
        {
            recorder?.Zone(zoneId);
            Parameter("TZID", zoneId);
        }

        writer.WriteAscii(':');
        Span<char> chars = stackalloc char[ValueFormat.MaxDateTimeLength];
        writer.WriteAscii(chars[..ValueFormat.FormatDateTime(local, isUtc, extended: false, chars)]);
        writer.EndLine();
    }

    public void Integer(string name, int value)
    {
        Name(name, CalendarValueType.Integer);
        writer.WriteAscii(':');
        Span<char> digits = stackalloc char[11];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        writer.WriteAscii(digits[..length]);
        writer.EndLine();
    }

    public void Geo(double latitude, double longitude)
    {
        var key = (BitConverter.DoubleToInt64Bits(latitude), BitConverter.DoubleToInt64Bits(longitude));
        if (!_geo.TryGetValue(key, out var text))
        {
            // §3.8.1.6: latitude and longitude separated by a semicolon.
            text = ValueFormat.Float(latitude) + ";" + ValueFormat.Float(longitude);
            _geo[key] = text;
        }

        Name("GEO", CalendarValueType.Float);
        writer.WriteAscii(':');
        writer.WriteAscii(text);
        writer.EndLine();
    }

    /// <summary>The name, and VALUE where the type is not the property's default (as <see cref="ICalendarWriter"/> writes it).</summary>
    private void Name(string name, CalendarValueType type)
    {
        recorder?.Property(name);
        writer.WriteAscii(name);
        if (ValueTypeDefaults.NeedsValueParameter(name, type))
        {
            writer.WriteAscii(";VALUE=");
            writer.WriteAscii(type.Name());
        }
    }

    private void Parameter(string name, string value)
    {
        writer.WriteAscii(';');
        writer.WriteAscii(name);
        writer.WriteAscii('=');
        writer.WriteParameterValue(value);
    }
}
