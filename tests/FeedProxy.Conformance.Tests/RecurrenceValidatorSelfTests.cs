using System.Text;
using FeedProxy.Conformance.Tests.Harness;

namespace FeedProxy.Conformance.Tests;

/// <summary>
/// The calendar validators expand recurring series with their own engines: each must read a
/// hand-written weekly series (an exception date, a moved occurrence) as exactly the
/// sidecar's occurrences, and flag the file once the exception date is gone.
/// </summary>
public sealed class RecurrenceValidatorSelfTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"feedproxy-recurrence-selftest-{Guid.NewGuid():N}");

    public RecurrenceValidatorSelfTests()
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "expected.json"), """
            {"timeZone":"Europe/Brussels","window":{"start":"2027-06-01T00:00:00Z","end":"2027-07-01T00:00:00Z"},"sessions":[
             {"uid":"w-20270601T080000Z-ev@feeds.example.org","series":"w-ev@feeds.example.org","recurrenceId":"2027-06-01T08:00:00Z","title":"Weekly","start":"2027-06-01T08:00:00Z","end":"2027-06-01T09:00:00Z","status":"CONFIRMED"},
             {"uid":"w-20270608T080000Z-ev@feeds.example.org","series":"w-ev@feeds.example.org","recurrenceId":"2027-06-08T08:00:00Z","title":"Moved","start":"2027-06-09T09:00:00Z","end":"2027-06-09T10:00:00Z","status":"CONFIRMED"},
             {"uid":"w-20270622T080000Z-ev@feeds.example.org","series":"w-ev@feeds.example.org","recurrenceId":"2027-06-22T08:00:00Z","title":"Weekly","start":"2027-06-22T08:00:00Z","end":"2027-06-22T09:00:00Z","status":"CONFIRMED"}]}
            """);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("icalendar")]
    [InlineData("vobject")]
    [InlineData("libical")]
    [InlineData("ical.js")]
    public async Task CalendarParser_ExpandsTheSeriesAsTheSidecarSays(string checker)
    {
        var validator = checker switch
        {
            "libical" => Validator.Libical,
            "ical.js" => Validator.IcalJs,
            _ => Validator.PythonICalendar,
        };
        File.WriteAllBytes(Path.Combine(directory, "good"), Ics(withExceptionDate: true));
        File.WriteAllBytes(Path.Combine(directory, "no-exdate"), Ics(withExceptionDate: false));
        var manifest = Path.Combine(directory, $"manifest-{validator}.json");
        File.WriteAllText(manifest, """
            [{"id":"good","path":"good","format":"ics","sessions":2,"expected":"expected.json","timeZone":"Europe/Brussels","timeMode":"event-zone"},
             {"id":"no-exdate","path":"no-exdate","format":"ics","sessions":2,"expected":"expected.json","timeZone":"Europe/Brussels","timeMode":"event-zone"}]
            """);

        var run = await Validators.RunAsync(validator, manifest);

        Assert.True(run.Failure is null, run.Failure);
        var good = Assert.Single(run.Results, r => r.Id == "good" && r.Checker == checker);
        Assert.True(good.Errors.Count == 0, $"{checker}: {string.Join(" | ", good.Errors)}");
        Assert.Equal(2, good.Count);
        var broken = Assert.Single(run.Results, r => r.Id == "no-exdate" && r.Checker == checker);
        Assert.Contains(broken.Errors, e => e.Contains("unexpected occurrence 2027-06-15T08:00:00Z", StringComparison.Ordinal));
    }

    private static byte[] Ics(bool withExceptionDate)
    {
        string[] lines =
        [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//selftest//EN",
            "BEGIN:VTIMEZONE", "TZID:Europe/Brussels",
            "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
            "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE",
            "BEGIN:VEVENT", "UID:w-ev@feeds.example.org", "DTSTAMP:20270101T000000Z",
            "DTSTART;TZID=Europe/Brussels:20270601T100000", "DTEND;TZID=Europe/Brussels:20270601T110000",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            .. withExceptionDate ? new[] { "EXDATE;TZID=Europe/Brussels:20270615T100000" } : [],
            "SUMMARY:Weekly", "STATUS:CONFIRMED", "END:VEVENT",
            "BEGIN:VEVENT", "UID:w-ev@feeds.example.org", "DTSTAMP:20270101T000000Z",
            "RECURRENCE-ID;TZID=Europe/Brussels:20270608T100000",
            "DTSTART;TZID=Europe/Brussels:20270609T110000", "DTEND;TZID=Europe/Brussels:20270609T120000",
            "SUMMARY:Moved", "STATUS:CONFIRMED", "END:VEVENT",
            "END:VCALENDAR",
        ];
        return Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");
    }
}
