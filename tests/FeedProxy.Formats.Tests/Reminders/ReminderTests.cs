using FeedProxy.Formats.Reminders;
using NodaTime;

namespace FeedProxy.Formats.Tests.Reminders;

public sealed class ReminderTests
{
    [Theory]
    [InlineData("-PT15M", -15 * 60, "-PT15M")]
    [InlineData("-pt1h", -3600, "-PT1H")]
    [InlineData("+PT5M", 300, "PT5M")]
    [InlineData("-P1D", -86400, "-P1D")]
    [InlineData("-P1DT2H", -93600, "-P1DT2H")]
    [InlineData("-P2W", -14 * 86400, "-P14D")]
    [InlineData("-PT1H0M30S", -3630, "-PT1H0M30S")]
    [InlineData("PT0S", 0, "PT0S")]
    public void Parses_Rfc5545Durations_AndWritesThemCanonically(string text, long seconds, string canonical)
    {
        Assert.True(Reminder.TryParse(text, out var offset));
        Assert.Equal(Duration.FromSeconds(seconds), offset);
        Assert.Equal(canonical, Reminder.Format(offset));
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("-PT")]
    [InlineData("P")]
    [InlineData("-P1W2D")]
    [InlineData("-PT30S1M")]
    [InlineData("-PT1H30S")]
    [InlineData("-P5W")]
    [InlineData("-P29D")]
    [InlineData("none")]
    [InlineData("-PT99999999999M")]
    public void Refuses_AnythingElse(string text) => Assert.False(Reminder.TryParse(text, out _));

    [Theory]
    [InlineData(-600, "10 min before")]
    [InlineData(-3600, "1 h before")]
    [InlineData(0, "at the start")]
    public void Describes_Offsets(long seconds, string text) =>
        Assert.Equal(text, Reminder.Describe(Duration.FromSeconds(seconds)));
}
