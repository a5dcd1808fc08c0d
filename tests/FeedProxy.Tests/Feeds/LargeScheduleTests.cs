using System.Text;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

/// <summary>The window and the size budget that keep large schedules under Google's ~1 MB.</summary>
public sealed class LargeScheduleTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>1,000 sessions: the first 500 ended long ago, the rest are in the future.</summary>
    private static string LargeEvent()
    {
        var sessions = new StringBuilder();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 1000; i++)
        {
            var start = i < 500 ? now.AddDays(-400).AddHours(i) : now.AddDays(10).AddHours(i);
            sessions.Append(i == 0 ? string.Empty : ",")
                .Append($$"""{ "id": "s{{i:D4}}", "title": "Session {{i}} with a reasonably long title for size", "abstract": "{{new string('x', 900)}}", "start": "{{start:yyyy-MM-ddTHH:mm:ssZ}}", "duration": "PT45M" }""");
        }

        return $$"""{ "name": "Large Event", "timeZone": "Europe/Brussels", "sessions": [ {{sessions}} ] }""";
    }

    private static int Count(string ics) => ics.Split("\r\n").Count(l => l == "BEGIN:VEVENT");

    [Fact]
    public async Task WithoutLimits_EverySessionIsServedAndTheFeedIsOverOneMegabyte()
    {
        _factory.WriteEvent("large", LargeEvent());
        var ics = await _factory.CreatePlainClient().GetStringAsync(new Uri("/events/large.ics", UriKind.Relative));

        Assert.Equal(1000, Count(ics));
        Assert.True(Encoding.UTF8.GetByteCount(ics) > 1_000_000);
    }

    [Fact]
    public async Task Window_DropsSessionsThatEndedBeforeIt()
    {
        _factory.Settings["FeedProxy:Feeds:WindowDays"] = "30";
        _factory.WriteEvent("large", LargeEvent());
        var ics = await _factory.CreatePlainClient().GetStringAsync(new Uri("/events/large.ics", UriKind.Relative));

        Assert.Equal(500, Count(ics));
        Assert.True(Encoding.UTF8.GetByteCount(ics) < 1_000_000);
        Assert.DoesNotContain("UID:s0499-", ics, StringComparison.Ordinal);
        Assert.Contains("UID:s0500-", ics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxSessions_KeepsTheLatest()
    {
        _factory.Settings["FeedProxy:Feeds:MaxSessions"] = "300";
        _factory.WriteEvent("large", LargeEvent());
        var ics = await _factory.CreatePlainClient().GetStringAsync(new Uri("/events/large.ics", UriKind.Relative));

        Assert.Equal(300, Count(ics));
        Assert.Contains("UID:s0999-", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("UID:s0699-", ics, StringComparison.Ordinal);
    }
}
