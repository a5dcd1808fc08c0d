using System.Net;
using System.Text.Json;
using FeedProxy.Testing;
using Xunit.Abstractions;

namespace FeedProxy.Tests.Upstream;

/// <summary>
/// An upstream calendar with recurrence the store refuses (a rule RFC 5545 forbids, a
/// RECURRENCE-ID that names no occurrence): the rest of the schedule goes live, the offending
/// part is named in the source status, and nothing is dropped silently by a writer.
/// </summary>
public sealed class UpstreamRecurrenceHttpTests(ITestOutputHelper output)
{
    private const string Good = "BEGIN:VEVENT\r\nUID:good@tests.example\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T180000Z\r\nDTEND:20270301T190000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Good series\r\nEND:VEVENT\r\n"
        + "BEGIN:VEVENT\r\nUID:good@tests.example\r\nDTSTAMP:20270101T000000Z\r\nRECURRENCE-ID:20270302T180000Z\r\nDTSTART:20270302T200000Z\r\nDTEND:20270302T210000Z\r\nSUMMARY:Orphan change\r\nEND:VEVENT\r\n";

    private const string Bad = "BEGIN:VEVENT\r\nUID:bad@tests.example\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270301T120000Z\r\nDTEND:20270301T130000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO;BYMONTHDAY=3\r\nSUMMARY:Bad series\r\nEND:VEVENT\r\n";

    [Fact]
    public async Task RejectedRecurrence_IsReportedInTheStatus_AndTheRestIsServed()
    {
        using var host = new SourceTestHost();
        host.Upstream.Set("/r.ics", SmallCalendar.Ics(extra: Good + Bad), "text/calendar");
        using (await host.PutSourceAsync("r", new { kind = "ics", url = host.Upstream.Url("/r.ics").AbsoluteUri, refreshSeconds = 3600 }))
        {
        }

        Assert.True(await Eventually.TrueAsync(async () => (await host.FeedAsync("/events/r.ics")).Status == HttpStatusCode.OK));
        var status = await host.StatusAsync("r");
        output.WriteLine(status.ToString());
        Assert.Equal("200", status.GetProperty("lastResult").GetString());
        var warnings = status.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Contains(warnings, w => w.Contains("'Bad series'", StringComparison.Ordinal) && w.Contains("BYMONTHDAY is not allowed with FREQ=WEEKLY", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("'Good series'", StringComparison.Ordinal) && w.Contains("2027-03-02T18:00:00Z", StringComparison.Ordinal));

        var ics = (await host.FeedAsync("/events/r.ics")).Body;
        Assert.Contains("SUMMARY:Good series", ics, StringComparison.Ordinal);
        Assert.Contains("RRULE:FREQ=WEEKLY;COUNT=4", ics, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:Bad series", ics, StringComparison.Ordinal); // its first occurrence, as reported
        Assert.DoesNotContain("BYMONTHDAY", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("Orphan change", ics, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:Opening", ics, StringComparison.Ordinal);

        // The upstream fixes its data: the warnings go with the next good body.
        host.Upstream.Set("/r.ics", SmallCalendar.Ics(extra: Good.Replace("RECURRENCE-ID:20270302T180000Z", "RECURRENCE-ID:20270308T180000Z", StringComparison.Ordinal)), "text/calendar");
        var fixedStatus = await host.RefreshAsync("r");
        Assert.Equal("200", fixedStatus.GetProperty("lastResult").GetString());
        Assert.False(fixedStatus.TryGetProperty("warnings", out var left) && left.ValueKind == JsonValueKind.Array);
        Assert.Contains("Orphan change", (await host.FeedAsync("/events/r.ics")).Body, StringComparison.Ordinal);
    }
}
