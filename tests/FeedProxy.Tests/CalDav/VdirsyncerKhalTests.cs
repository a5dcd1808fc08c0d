using FeedProxy.Testing;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.CalDav;

/// <summary>vdirsyncer mirrors every calendar over CalDAV (real Kestrel, file store); khal shows the sessions at the right local times.</summary>
public sealed class VdirsyncerKhalTests : IDisposable
{
    private readonly FeedProxyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task MirrorsEveryCalendar_KhalShowsLocalTimes_AndAnEditArrivesOnTheNextSync()
    {
        _factory.WriteEvent(CalDavSchedule.Id, CalDavSchedule.Json());
        var server = _factory.StartKestrel();
        // New York: six hours behind Brussels in February and early March (both on winter time).
        using var mirror = new VdirsyncerKhal(server, "America/New_York");
        await mirror.SyncAsync();

        Assert.Equal(["davconf", "testconf"], Directory.GetDirectories(mirror.Calendars).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(CalDavSchedule.AllObjects.Length, Directory.GetFiles(Path.Combine(mirror.Calendars, "davconf"), "*.ics").Length);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(mirror.Calendars, "testconf"), "*.ics"));

        var february = await mirror.ListAsync(new DateOnly(2027, 2, 6), 2);
        Assert.Contains("2027-02-06 04:00 2027-02-06 04:30 Opening", february);
        Assert.Contains("2027-02-06 05:00 2027-02-06 05:30 Second Session", february);
        Assert.Contains("2027-02-07 10:00 2027-02-07 10:30 Closing", february);
        // An occurrence of the weekly series, not only its first date.
        Assert.Contains("2027-03-09 13:00 2027-03-09 14:00 Weekly club", await mirror.ListAsync(new DateOnly(2027, 3, 9), 1));

        using var http = new HttpClient { BaseAddress = server };
        var before = await http.GetStringAsync(new Uri($"/events/{CalDavSchedule.Id}.ics", UriKind.Relative));
        _factory.WriteEvent(CalDavSchedule.Id, CalDavSchedule.Json(@abstract: "A rewritten abstract.", withClosing: false));
        Assert.True(await Eventually.TrueAsync(async () => await http.GetStringAsync(new Uri($"/events/{CalDavSchedule.Id}.ics", UriKind.Relative)) != before), "the edit never reached the feed");

        await mirror.SyncAsync();
        Assert.DoesNotContain("2027-02-07 10:00 2027-02-07 10:30 Closing", await mirror.ListAsync(new DateOnly(2027, 2, 6), 2));
        Assert.Contains(Directory.GetFiles(Path.Combine(mirror.Calendars, "davconf"), "*.ics"), f => File.ReadAllText(f).Contains("A rewritten abstract.", StringComparison.Ordinal));
    }
}
