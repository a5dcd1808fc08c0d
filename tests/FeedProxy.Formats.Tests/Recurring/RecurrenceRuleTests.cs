using FeedProxy.Formats.Recurring;
using NodaTime;
using Xunit;

namespace FeedProxy.Formats.Tests.Recurring;

public sealed class RecurrenceRuleTests
{
    [Theory]
    [InlineData("FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;BYDAY=TU")]
    [InlineData("RRULE:freq=monthly;byday=-1fr;count=3", "FREQ=MONTHLY;COUNT=3;BYDAY=-1FR")]
    [InlineData("FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=TU,SU;UNTIL=20261231T230000Z", "FREQ=WEEKLY;UNTIL=20261231T230000Z;INTERVAL=2;BYDAY=TU,SU;WKST=SU")]
    [InlineData("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")]
    [InlineData("FREQ=DAILY;BYMINUTE=30,0;BYHOUR=14,9", "FREQ=DAILY;BYMINUTE=0,30;BYHOUR=9,14")]
    public void Parse_GivesCanonicalText(string text, string canonical) =>
        Assert.Equal(canonical, RecurrenceRule.Parse(text).ToString());

    [Theory]
    [InlineData("", "required")]
    [InlineData("BYDAY=TU", "FREQ is required")]
    [InlineData("FREQ=FORTNIGHTLY", "FREQ")]
    [InlineData("FREQ=WEEKLY;COUNT=3;UNTIL=20260101T000000Z", "COUNT and UNTIL")]
    [InlineData("FREQ=WEEKLY;BYDAY=2TU", "ordinals")]
    [InlineData("FREQ=WEEKLY;BYMONTHDAY=3", "BYMONTHDAY")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=32", "out of range")]
    [InlineData("FREQ=DAILY;BYHOUR=24", "out of range")]
    [InlineData("FREQ=DAILY;INTERVAL=0", "INTERVAL")]
    [InlineData("FREQ=DAILY;COUNT=-1", "COUNT")]
    [InlineData("FREQ=DAILY;FREQ=WEEKLY", "twice")]
    [InlineData("FREQ=DAILY;UNTIL=tomorrow", "UNTIL")]
    [InlineData("FREQ=DAILY;X-NAME=1", "not an RRULE part")]
    [InlineData("FREQ=DAILY;BYSETPOS=1", "BYSETPOS")]
    [InlineData("FREQ=MONTHLY;BYWEEKNO=3", "BYWEEKNO")]
    public void TryParse_RejectsWithReason(string text, string reason)
    {
        Assert.False(RecurrenceRule.TryParse(text, out var rule, out var error));
        Assert.Null(rule);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryParse_RejectsOverlongText() =>
        Assert.False(RecurrenceRule.TryParse("FREQ=DAILY;BYHOUR=" + string.Join(',', Enumerable.Repeat("1", 600)), out _, out _));

    [Fact]
    public void Parse_ReadsUntilAsUtc() =>
        Assert.Equal(Instant.FromUtc(2026, 12, 31, 23, 0), RecurrenceRule.Parse("FREQ=DAILY;UNTIL=20261231T230000Z").Until);
}
