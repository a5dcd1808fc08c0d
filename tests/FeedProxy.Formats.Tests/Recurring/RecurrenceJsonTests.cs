using System.Text.Json;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Support;
using NodaTime;
using Xunit;

namespace FeedProxy.Formats.Tests.Recurring;

public sealed class RecurrenceJsonTests
{
    private static readonly Instant Fallback = Instant.FromUtc(2027, 1, 1, 0, 0);

    private static Event Map(string json) =>
        EventJsonMapper.ToModel(JsonSerializer.Deserialize(json, EventJsonContext.Default.EventJson)!, Fallback);

    private static string Series(string recurrence) => $$"""
        { "id": "club", "name": "Club", "timeZone": "Europe/Berlin", "sessions": [
          { "id": "weekly", "title": "Club evening", "start": "2027-03-02T19:00", "end": "2027-03-02T21:00", "recurrence": {{recurrence}} } ] }
        """;

    [Fact]
    public void Mapper_ReadsRulesDatesAndOverrides()
    {
        var series = RecurringSamples.Club().Sessions.Single(s => s.Id == "weekly");
        var recurrence = series.Recurrence!;
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

        Assert.Equal(["FREQ=WEEKLY;UNTIL=20271130T230000Z;BYDAY=TU"], recurrence.Rules);
        Assert.Equal([new LocalDateTime(2027, 4, 27, 19, 0).InZoneStrictly(berlin).ToInstant()], recurrence.ExceptionDates);
        Assert.Equal(2, recurrence.Overrides.Count);
        var moved = recurrence.Overrides[0].Instance;
        Assert.Equal("weekly", moved.Id);
        Assert.Equal("Club evening (Wednesday this week)", moved.Title);
        Assert.Equal("hall", moved.Room!.Id);
        Assert.Equal("Bring your boards.", moved.Abstract);
        var cancelled = recurrence.Overrides[1].Instance;
        Assert.Equal(SessionState.Cancelled, cancelled.State);
        Assert.Equal(recurrence.Overrides[1].RecurrenceId, cancelled.Start);
        Assert.Equal(series.Duration, cancelled.Duration);
    }

    [Fact]
    public void Writer_RoundTripsRecurrence()
    {
        var model = RecurringSamples.Club();
        var text = JsonSerializer.Serialize(EventJsonWriter.FromModel(model), EventJsonContext.Default.EventJson);
        var again = Map(text);

        var before = model.Sessions.Single(s => s.Id == "weekly").Recurrence!;
        var after = again.Sessions.Single(s => s.Id == "weekly").Recurrence!;
        Assert.Equal(before.Rules, after.Rules);
        Assert.Equal(before.ExceptionDates, after.ExceptionDates);
        Assert.Equal(before.Dates, after.Dates);
        Assert.Equal(before.TimeZone, after.TimeZone);
        Assert.Equal(before.Overrides.Select(o => o.RecurrenceId), after.Overrides.Select(o => o.RecurrenceId));
        Assert.Equal(before.Overrides.Select(o => o.Instance), after.Overrides.Select(o => o.Instance), new InstanceComparer());
        Assert.Contains("\"recurrenceId\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "rules": ["FREQ=FORTNIGHTLY"] }""", "sessions[0].recurrence.rules[0]")]
    [InlineData("""{ "rules": [] }""", "sessions[0].recurrence.rules")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "timeZone": "Mars/Olympus" }""", "sessions[0].recurrence.timeZone")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "exceptionDates": ["next week"] }""", "sessions[0].recurrence.exceptionDates[0]")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "overrides": [ { "title": "x" } ] }""", "sessions[0].recurrence.overrides[0].recurrenceId")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "overrides": [ { "recurrenceId": "2027-03-03T19:00" } ] }""", "sessions[0].recurrence.overrides[0].recurrenceId")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "overrides": [ { "recurrenceId": "2027-03-09T19:00", "room": "nowhere" } ] }""", "sessions[0].recurrence.overrides[0].room")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "overrides": [ { "recurrenceId": "2027-03-09T19:00", "recurrence": { "rules": ["FREQ=DAILY"] } } ] }""", "sessions[0].recurrence.overrides[0].recurrence")]
    [InlineData("""{ "rules": ["FREQ=WEEKLY"], "overrides": [ { "recurrenceId": "2027-03-09T19:00" }, { "recurrenceId": "2027-03-09T19:00" } ] }""", "sessions[0].recurrence.overrides[1].recurrenceId")]
    public void Mapper_RejectsInvalidRecurrenceNamingTheField(string recurrence, string field)
    {
        var error = Assert.Throws<EventValidationException>(() => Map(Series(recurrence)));
        Assert.Contains(field, error.Errors.Keys);
    }

    [Fact]
    public void Mapper_ChecksManyOverridesOfAnImpossibleRuleWithBoundedWork()
    {
        // A rule that never matches and a thousand overrides: one bounded expansion per
        // document, every override reported, no hang.
        var overrides = string.Join(',', Enumerable.Range(0, 1000).Select(i =>
            $$"""{ "recurrenceId": "2027-03-{{2 + (i % 20):00}}T19:{{i % 60:00}}:00" }"""));
        var error = Assert.Throws<EventValidationException>(() =>
            Map(Series($$"""{ "rules": ["FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"], "overrides": [{{overrides}}] }""")));
        Assert.Contains(error.Errors.Keys, k => k.StartsWith("sessions[0].recurrence.overrides[", StringComparison.Ordinal));
    }

    [Fact]
    public void Mapper_RejectsRecurrenceIdOutsideOverrides()
    {
        var json = """
            { "id": "club", "name": "Club", "timeZone": "Europe/Berlin", "sessions": [
              { "id": "x", "title": "X", "start": "2027-03-02T19:00", "end": "2027-03-02T21:00", "recurrenceId": "2027-03-02T19:00" } ] }
            """;
        var error = Assert.Throws<EventValidationException>(() => Map(json));
        Assert.Contains("sessions[0].recurrenceId", error.Errors.Keys);
    }

    [Fact]
    public void Mapper_ReadsLocalTimesInTheSeriesZone()
    {
        var json = """
            { "id": "club", "name": "Club", "timeZone": "Europe/Berlin", "sessions": [
              { "id": "nyc", "title": "Call", "start": "2027-03-02T12:00", "end": "2027-03-02T13:00",
                "recurrence": { "rules": ["FREQ=WEEKLY"], "timeZone": "America/New_York", "exceptionDates": ["2027-03-09T12:00"] } } ] }
            """;
        var session = Map(json).Sessions.Single();
        Assert.Equal(Instant.FromUtc(2027, 3, 2, 17, 0), session.Start);
        Assert.Equal([Instant.FromUtc(2027, 3, 9, 17, 0)], session.Recurrence!.ExceptionDates);
        Assert.Equal("America/New_York", session.Recurrence.TimeZone);
    }

    private sealed class InstanceComparer : IEqualityComparer<Session>
    {
        public bool Equals(Session? x, Session? y) =>
            x!.Title == y!.Title && x.Start == y.Start && x.End == y.End && x.State == y.State && x.Room?.Id == y.Room?.Id
            && x.LastModified == y.LastModified && x.Revision == y.Revision;

        public int GetHashCode(Session obj) => obj.Title.GetHashCode(StringComparison.Ordinal);
    }
}
