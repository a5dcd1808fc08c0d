using NodaTime;

namespace FeedProxy.Formats.ICalendar;

/// <summary>Collects what <see cref="CalendarBuilder"/> emits into the <see cref="CalendarComponent"/> tree (xCal, jCal).</summary>
internal sealed class CalendarTreeSink : ICalendarSink
{
    private readonly Stack<(string Name, List<CalendarProperty> Properties, List<CalendarComponent> Components)> _open = new();

    /// <summary>The outermost component, once it has ended.</summary>
    public CalendarComponent? Result { get; private set; }

    public void BeginComponent(string name) => _open.Push((name, [], []));

    public void EndComponent(string name)
    {
        var (open, properties, components) = _open.Pop();
        if (open != name)
        {
            throw new InvalidOperationException($"END:{name} closes {open}.");
        }

        var component = new CalendarComponent(name, properties, components);
        if (_open.TryPeek(out var parent))
        {
            parent.Components.Add(component);
        }
        else
        {
            Result = component;
        }
    }

    public void Component(CalendarComponent component) => _open.Peek().Components.Add(component);

    public void Property(CalendarProperty property) => _open.Peek().Properties.Add(property);

    public void Text(string name, string value) =>
        Property(new CalendarProperty(name, CalendarValueType.Text, new TextValue(value)));

    public void ComposedText(string name, ReadOnlySpan<char> value) => Text(name, new string(value));

    public void Texts(string name, ReadOnlySpan<string> values)
    {
        var list = new List<CalendarValue>(values.Length);
        foreach (var value in values)
        {
            list.Add(new TextValue(value));
        }

        Property(new CalendarProperty(name, [], CalendarValueType.Text, list));
    }

    public void Uri(string name, string uri, ReadOnlySpan<CalendarParameter> parameters) =>
        Property(new CalendarProperty(name, [.. parameters], CalendarValueType.Uri, [new UriValue(uri)]));

    public void DateTime(string name, LocalDateTime local, bool isUtc, string? zoneId) =>
        Property(zoneId is null
            ? new CalendarProperty(name, CalendarValueType.DateTime, new DateTimeValue(local, isUtc))
            : new CalendarProperty(name, new CalendarParameter("TZID", zoneId), CalendarValueType.DateTime, new DateTimeValue(local, isUtc)));

    public void Integer(string name, int value) =>
        Property(new CalendarProperty(name, CalendarValueType.Integer, new IntegerValue(value)));

    public void Geo(double latitude, double longitude) =>
        Property(new CalendarProperty("GEO", CalendarValueType.Float, new GeoValue(latitude, longitude)));
}
