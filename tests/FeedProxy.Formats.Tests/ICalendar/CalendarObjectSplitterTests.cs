using System.Text;
using FeedProxy.Formats.ICalendar;

namespace FeedProxy.Formats.Tests.ICalendar;

public sealed class CalendarObjectSplitterTests
{
    private const string Feed =
        "BEGIN:VCALENDAR\r\nPRODID:-//FeedProxy//FeedProxy//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n" +
        "X-WR-CALNAME:Conf\\, 2027\r\nX-WR-TIMEZONE:Europe/Brussels\r\n" +
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Brussels\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n" +
        "BEGIN:VEVENT\r\nUID:w1-conf@example.org\r\nDTSTART;TZID=Europe/Brussels:20270105T190000\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:A long summary that is folded over more than one line because it is lo\r\n nger than seventy-five octets\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\n" +
        "BEGIN:VEVENT\r\nUID:s2-conf@example.org\r\nDTSTART:20270206T100000Z\r\nSUMMARY:UTC only\r\nEND:VEVENT\r\n" +
        "BEGIN:VEVENT\r\nUID:w1-conf@example.org\r\nRECURRENCE-ID;TZID=Europe/Brussels:20270112T190000\r\nDTSTART;TZID=Asia/Tokyo:20270113T030000\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n" +
        "END:VCALENDAR\r\n";

    private static SplitCalendar Split() => CalendarObjectSplitter.Split(Encoding.UTF8.GetBytes(Feed));

    private static string Text(CalendarObject item) => Encoding.UTF8.GetString(item.Data.Span);

    [Fact]
    public void SeriesAndItsOverride_AreOneObject_InFeedOrder()
    {
        var objects = Split().Objects;
        Assert.Equal(["w1-conf@example.org", "s2-conf@example.org"], objects.Select(o => o.Uid));
        var series = Text(objects[0]);
        Assert.Equal(3, series.Split("BEGIN:VEVENT").Length);
        Assert.Contains("RECURRENCE-ID;TZID=Europe/Brussels:20270112T190000", series, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryVEvent_IsByteIdentical_AndOnlyReferencedZonesAreIncluded()
    {
        var objects = Split().Objects;
        var series = Text(objects[0]);
        var start = Feed.IndexOf("BEGIN:VEVENT\r\nUID:w1", StringComparison.Ordinal);
        Assert.Contains(Feed[start..(Feed.IndexOf("END:VEVENT\r\n", start, StringComparison.Ordinal) + 12)], series, StringComparison.Ordinal);
        Assert.Contains("TZID:Europe/Brussels\r\n", series, StringComparison.Ordinal);
        Assert.Contains("TZID:Asia/Tokyo\r\n", series, StringComparison.Ordinal);
        var utc = Text(objects[1]);
        Assert.DoesNotContain("VTIMEZONE", utc, StringComparison.Ordinal);
        Assert.Equal("BEGIN:VCALENDAR\r\nPRODID:-//FeedProxy//FeedProxy//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nBEGIN:VEVENT\r\nUID:s2-conf@example.org\r\nDTSTART:20270206T100000Z\r\nSUMMARY:UTC only\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", utc);
    }

    [Fact]
    public void CalendarProperties_AreUnescaped_AndMethodIsDropped()
    {
        var split = Split();
        Assert.Equal("Conf, 2027", split.Properties["X-WR-CALNAME"]);
        Assert.Equal("Europe/Brussels", split.Properties["X-WR-TIMEZONE"]);
        Assert.All(split.Objects, o => Assert.DoesNotContain("METHOD", Text(o), StringComparison.Ordinal));
        Assert.EndsWith("END:VTIMEZONE\r\nEND:VCALENDAR\r\n", Encoding.UTF8.GetString(split.TimeZones["Asia/Tokyo"].Span), StringComparison.Ordinal);
    }

    [Fact]
    public void TzidInATextValue_IsNoZoneReference()
    {
        // An escaped semicolon (RFC 5545 §3.3.11) followed by "TZID=" is text, not a parameter.
        var feed = Feed.Replace("SUMMARY:UTC only\r\n", "SUMMARY:UTC only\r\nDESCRIPTION:see \\;TZID=Asia/Tokyo:x\r\n", StringComparison.Ordinal);
        var utc = CalendarObjectSplitter.Split(Encoding.UTF8.GetBytes(feed)).Objects[1];
        Assert.DoesNotContain("VTIMEZONE", Text(utc), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyOrGarbageInput_GivesNoObjects()
    {
        Assert.Empty(CalendarObjectSplitter.Split([]).Objects);
        Assert.Empty(CalendarObjectSplitter.Split("END:VEVENT\r\nEND:VCALENDAR\r\n\r\n \r\n"u8).Objects);
    }
}
