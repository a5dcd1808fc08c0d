using FeedProxy.Formats.ICalendar;
using NodaTime;

namespace FeedProxy.Formats.Tests.ICalendar;

public class ValueFormatTests
{
    [Theory]
    [InlineData(0, "PT0S")]
    [InlineData(1800, "PT30M")]
    [InlineData(3600, "PT1H")]
    [InlineData(90061, "P1DT1H1M1S")]
    [InlineData(86400, "P1D")]
    [InlineData(-3600, "-PT1H")]
    public void Duration_UsesRfc5545Form(long seconds, string expected)
    {
        Assert.Equal(expected, ValueFormat.Duration(Duration.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(3600, "+0100", "+01:00")]
    [InlineData(0, "+0000", "+00:00")]
    [InlineData(-12600, "-0330", "-03:30")]
    [InlineData(3208, "+005328", "+00:53:28")]
    public void UtcOffset_HasSecondsOnlyWhenNeeded(int seconds, string basic, string extended)
    {
        Assert.Equal(basic, ValueFormat.UtcOffset(Offset.FromSeconds(seconds), extended: false));
        Assert.Equal(extended, ValueFormat.UtcOffset(Offset.FromSeconds(seconds), extended: true));
    }

    [Fact]
    public void Float_NeverUsesExponent()
    {
        Assert.Equal("0.00001", ValueFormat.Float(0.00001));
        Assert.Equal("-122.082932", ValueFormat.Float(-122.082932));
    }
}
