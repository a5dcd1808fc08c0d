using System.Text.Json;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Tests.ICalendar;
using FeedProxy.Formats.Tests.Support;

namespace FeedProxy.Formats.Tests.JCal;

public class JCalWriterTests
{
    private static byte[] Render(FeedDocument document) => FeedWriters.Render(document, FeedFormat.JCal);

    private static JsonElement Property(JsonElement component, string name) =>
        component[1].EnumerateArray().Single(p => p[0].GetString() == name);

    [Fact]
    public void Golden_Rfc7265()
    {
        GoldenFile.AssertMatches("feedconf.json", Render(SampleDocuments.Document()));
    }

    [Fact]
    public void Render_IsDeterministic()
    {
        Assert.Equal(Render(SampleDocuments.Document()), Render(SampleDocuments.Document()));
    }

    [Fact]
    public void Document_HasRfc7265Structure()
    {
        using var json = JsonDocument.Parse(Render(SampleDocuments.Document()));
        var calendar = json.RootElement;
        Assert.Equal("vcalendar", calendar[0].GetString());
        Assert.Equal(3, calendar.GetArrayLength());
        var version = Property(calendar, "version");
        Assert.Equal(JsonValueKind.Object, version[1].ValueKind);
        Assert.Equal("text", version[2].GetString());
        Assert.Equal("2.0", version[3].GetString());
        Assert.Equal("PT30M", Property(calendar, "refresh-interval")[3].GetString());

        var components = calendar[2].EnumerateArray().ToList();
        Assert.Equal("vtimezone", components[0][0].GetString());
        var events = components.Where(c => c[0].GetString() == "vevent").ToList();
        Assert.Equal(4, events.Count);

        var start = Property(events[0], "dtstart");
        Assert.Equal("Europe/Berlin", start[1].GetProperty("tzid").GetString());
        Assert.Equal("date-time", start[2].GetString());
        Assert.Equal("2027-03-26T09:00:00", start[3].GetString());
        var geo = Property(events[0], "geo");
        Assert.Equal("float", geo[2].GetString());
        Assert.Equal(52.520008, geo[3][0].GetDouble());
        Assert.Equal(2, Property(events[0], "sequence")[3].GetInt32());
        var categories = Property(events[0], "categories");
        Assert.Equal(["Security", "Talk"], categories.EnumerateArray().Skip(3).Select(e => e.GetString()));

        var daylight = components[0][2].EnumerateArray().First(c => c[0].GetString() == "daylight");
        var rule = Property(daylight, "rrule");
        Assert.Equal("recur", rule[2].GetString());
        Assert.Equal("YEARLY", rule[3].GetProperty("freq").GetString());
        Assert.Equal(3, rule[3].GetProperty("bymonth").GetInt32());
        Assert.Equal("-1SU", rule[3].GetProperty("byday").GetString());
        Assert.Equal("+01:00", Property(daylight, "tzoffsetfrom")[3].GetString());
    }

    [Fact]
    public void Utc_WritesZuluDateTimes()
    {
        using var json = JsonDocument.Parse(Render(SampleDocuments.Document(TimeMode.Utc)));
        var events = json.RootElement[2].EnumerateArray().ToList();
        Assert.All(events, e => Assert.Equal("vevent", e[0].GetString()));
        var start = Property(events[2], "dtstart");
        Assert.Equal("2027-03-28T08:00:00Z", start[3].GetString());
        Assert.Empty(start[1].EnumerateObject());
    }
}
