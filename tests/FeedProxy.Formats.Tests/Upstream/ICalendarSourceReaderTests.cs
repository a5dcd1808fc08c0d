using System.Text;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Import;
using FeedProxy.Formats.Upstream;
using NodaTime;
using Xunit.Abstractions;

namespace FeedProxy.Formats.Tests.Upstream;

public sealed class ICalendarSourceReaderTests(ITestOutputHelper output)
{
    private static readonly UpstreamReadOptions Options = new() { EventId = "cal", ReadAt = Instant.FromUtc(2026, 5, 1, 0, 0) };

    private static Event Read(string text, UpstreamReadOptions? options = null) => ICalendarSourceReader.Read(Encoding.UTF8.GetBytes(text), options ?? Options);

    private static string Json(Event model) => System.Text.Json.JsonSerializer.Serialize(EventJsonWriter.FromModel(model), EventJsonContext.Default.EventJson);

    public static TheoryData<string> RealCalendars => new()
    {
        "ics/collective-icalendar/alarm_google_acknowledged.ics",
        "ics/collective-icalendar/alarm_thunderbird_snoozed_until_1457.ics",
        "ics/collective-icalendar/issue_112_missing_tzinfo_on_exdate.ics",
        "ics/collective-icalendar/issue_156_RDATE_with_PERIOD_TZID_khal_2.ics",
        "ics/collective-icalendar/issue_165_missing_event.ics",
        "ics/collective-icalendar/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics",
        "ics/collective-icalendar/issue_348_exception_parsing_value.ics",
        "ics/collective-icalendar/issue_350.ics",
        "ics/collective-icalendar/issue_836_do_not_quote_tzid.ics",
        "ics/collective-icalendar/x_location.ics",
        "ics/kewisch-ical.js/blank_description.ics",
        "ics/kewisch-ical.js/google_birthday.ics",
        "ics/kewisch-ical.js/recur_instances.ics",
        "ics/kewisch-ical.js/utc_negative_zero.ics",
        "feeds/indiewebclub-blr/events.ics",
    };

    [Theory]
    [MemberData(nameof(RealCalendars))]
    public void RealCalendar_ReadsWellFormedWithoutEmail(string relative)
    {
        if (!ScheduleData.TryGet(relative, output, out var path))
        {
            return;
        }

        var model = ICalendarSourceReader.Read(File.ReadAllBytes(path), Options);

        Assert.NotEmpty(model.Sessions);
        ModelChecks.AssertWellFormed(model);
        ModelChecks.AssertNoEmailAddresses(Json(model));
        output.WriteLine($"{relative}: {model.Sessions.Count} sessions, zone {model.TimeZone}");
    }

    [Fact]
    public void OutlookZoneKnownOnlyFromItsVTimeZone_IsReadNotShifted()
    {
        if (!ScheduleData.TryGet("ics/collective-icalendar/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics", output, out var path))
        {
            return;
        }

        var session = Assert.Single(ICalendarSourceReader.Read(File.ReadAllBytes(path), Options).Sessions);

        // 13:30 in "(UTC-03:00) Brasília" in May (standard time, -03:00).
        Assert.Equal(Instant.FromUtc(2017, 5, 11, 16, 30), session.Start);
        Assert.Equal(Instant.FromUtc(2017, 5, 11, 17, 0), session.End);
    }

    [Fact]
    public void WindowsZoneName_IsMappedToIana()
    {
        if (!ScheduleData.TryGet("ics/collective-icalendar/issue_836_do_not_quote_tzid.ics", output, out var path))
        {
            return;
        }

        var model = ICalendarSourceReader.Read(File.ReadAllBytes(path), Options);

        Assert.Equal("America/New_York", model.TimeZone);
        Assert.Equal(Instant.FromUtc(2024, 10, 28, 21, 0), Assert.Single(model.Sessions).Start);
    }

    [Fact]
    public void LotusCustomZone_WithSlash_ResolvesThroughVTimeZoneToAnEquivalentIanaZone()
    {
        if (!ScheduleData.TryGet("ics/collective-icalendar/issue_156_RDATE_with_PERIOD_TZID_khal_2.ics", output, out var path))
        {
            return;
        }

        var model = ICalendarSourceReader.Read(File.ReadAllBytes(path), Options);

        Assert.Equal(Instant.FromUtc(2021, 11, 1, 15, 0), model.Sessions.Min(s => s.Start));
        Assert.StartsWith("Europe/", model.TimeZone, StringComparison.Ordinal);
    }

    [Fact]
    public void IndieWebCalendarAndItsAtomFeed_AgreeOnEveryStart()
    {
        if (!ScheduleData.TryGet("feeds/indiewebclub-blr/events.ics", output, out var ics)
            || !ScheduleData.TryGet("feeds/indiewebclub-blr/events.atom", output, out var atom))
        {
            return;
        }

        var fromIcs = ICalendarSourceReader.Read(File.ReadAllBytes(ics), Options).Sessions.Select(s => s.Start).Order().ToList();
        var fromAtom = SyndicationSourceReader.Read(File.ReadAllBytes(atom), Options).Sessions.Select(s => s.Start).Order().ToList();

        Assert.Equal(5, fromIcs.Count);
        Assert.Equal(fromIcs, fromAtom);
    }

    private const string Weekly = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//test//EN
        X-WR-CALNAME:Club
        X-WR-TIMEZONE:Europe/Berlin
        BEGIN:VEVENT
        UID:weekly@example.org
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=Europe/Berlin:20260106T190000
        DTEND;TZID=Europe/Berlin:20260106T210000
        RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260331T190000
        EXDATE;TZID=Europe/Berlin:20260113T190000
        SUMMARY:Club night
        LOCATION:Back room
        ATTENDEE;CN=Someone:mailto:someone@example.org
        ORGANIZER:mailto:boss@example.org
        END:VEVENT
        BEGIN:VEVENT
        UID:weekly@example.org
        DTSTAMP:20260101T000000Z
        RECURRENCE-ID;TZID=Europe/Berlin:20260120T190000
        DTSTART;TZID=Europe/Berlin:20260120T200000
        DTEND;TZID=Europe/Berlin:20260120T220000
        SUMMARY:Club night (late)
        END:VEVENT
        BEGIN:VEVENT
        UID:single@example.org
        DTSTAMP:20260101T000000Z
        DTSTART:20260210T100000Z
        DURATION:PT90M
        SUMMARY:Talk
        CATEGORIES:Science
        END:VEVENT
        BEGIN:VEVENT
        UID:secret@example.org
        CLASS:PRIVATE
        DTSTART:20260210T100000Z
        SUMMARY:Doctor
        END:VEVENT
        END:VCALENDAR
        """;

    [Fact]
    public void Recurrence_RuleWithUtcUntil_ExceptionAndOverride_AreMapped()
    {
        var model = Read(Weekly);

        Assert.Equal("Club", model.Name);
        Assert.Equal("Europe/Berlin", model.TimeZone);
        var series = model.Sessions.Single(s => s.Title == "Club night");
        Assert.NotNull(series.Recurrence);
        var rule = Assert.Single(series.Recurrence!.Rules);
        Assert.Contains("FREQ=WEEKLY", rule, StringComparison.Ordinal);
        Assert.Contains("UNTIL=20260331T170000Z", rule, StringComparison.Ordinal); // 19:00 CEST (summer time from 29 March)
        Assert.Equal([Instant.FromUtc(2026, 1, 13, 18, 0)], series.Recurrence.ExceptionDates);
        Assert.Equal("Europe/Berlin", series.Recurrence.TimeZone);
        var moved = Assert.Single(series.Recurrence.Overrides);
        Assert.Equal(Instant.FromUtc(2026, 1, 20, 18, 0), moved.RecurrenceId);
        Assert.Equal(Instant.FromUtc(2026, 1, 20, 19, 0), moved.Instance.Start);
        Assert.Equal(series.Id, moved.Instance.Id);
        Assert.Equal("Back room", series.Room?.Name);
        var talk = model.Sessions.Single(s => s.Title == "Talk");
        Assert.Equal(Duration.FromMinutes(90), talk.Duration);
        Assert.Equal("Science", talk.Track?.Name);
    }

    [Fact]
    public void Recurrence_SurvivesTheEventFormat_AsTheStoreKeepsIt()
    {
        var model = Read(Weekly);

        var stored = EventJsonMapper.ToModel(EventJsonWriter.FromModel(model), model.LastModified, "cal");

        var before = model.Sessions.Single(s => s.Title == "Club night").Recurrence!;
        var after = stored.Sessions.Single(s => s.Title == "Club night").Recurrence!;
        Assert.Equal(before.Rules, after.Rules);
        Assert.Equal(before.ExceptionDates, after.ExceptionDates);
        Assert.Equal(before.Overrides.Select(o => (o.RecurrenceId, o.Instance.Start, o.Instance.Title)), after.Overrides.Select(o => (o.RecurrenceId, o.Instance.Start, o.Instance.Title)));
    }

    [Fact]
    public void PrivateEventsAndAttendeeAddresses_NeverReachTheModel()
    {
        var json = Json(Read(Weekly));

        Assert.DoesNotContain("Doctor", json, StringComparison.Ordinal);
        Assert.DoesNotContain("someone", json, StringComparison.Ordinal);
        Assert.DoesNotContain("boss", json, StringComparison.Ordinal);
        Assert.DoesNotContain("mailto", json, StringComparison.Ordinal);
        ModelChecks.AssertNoEmailAddresses(json);
    }

    [Fact]
    public void ReorderedComponentsAndNewDtStamp_ReadToTheSameModel()
    {
        var head = Weekly[..Weekly.IndexOf("BEGIN:VEVENT", StringComparison.Ordinal)];
        var events = Weekly[head.Length..Weekly.LastIndexOf("END:VCALENDAR", StringComparison.Ordinal)]
            .Split("BEGIN:VEVENT", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => "BEGIN:VEVENT" + e)
            .Reverse();
        var reordered = (head + string.Concat(events) + "END:VCALENDAR\n")
            .Replace("DTSTAMP:20260101T000000Z", "DTSTAMP:20260427T120000Z", StringComparison.Ordinal);

        Assert.NotEqual(Weekly, reordered);
        Assert.Equal(Json(Read(Weekly)), Json(Read(reordered)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>Not found</body></html>")]
    [InlineData("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\nSUMMARY:cut")]
    [InlineData("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART;TZID=Nowhere/Atlantis:20260101T100000\nEND:VEVENT\nEND:VCALENDAR\n")]
    public void GarbageTruncatedOrUnknownZone_IsAnImportException(string text)
    {
        Assert.Throws<ImportException>(() => Read(text));
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var text = new StringBuilder("BEGIN:VCALENDAR\n");
        for (var i = 0; i < 100; i++)
        {
            text.Append("BEGIN:X-NEST\n");
        }

        Assert.Throws<ImportException>(() => Read(text.ToString()));
    }
}
