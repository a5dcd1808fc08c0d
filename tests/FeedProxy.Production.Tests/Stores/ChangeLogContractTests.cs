using FeedProxy.Admin;
using FeedProxy.Changes;
using FeedProxy.Formats.Changes;
using FeedProxy.Formats.Model;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Production.Tests.Storage;
using NodaTime;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>
/// What every change log records for a write through the event store it belongs to (the file
/// store's detector, PostgreSQL's triggers): only what a subscriber sees, once.
/// </summary>
public abstract class ChangeLogContractTests : StoreContract
{
    private static CancellationToken None => CancellationToken.None;

    private IEventAdminStore Admin => Get<IEventAdminStore>();

    private async Task<IReadOnlyList<ScheduleChange>> ReadAsync() =>
        await Get<IChangeLog>().ReadAsync(["conf"], Instant.FromUtc(2000, 1, 1, 0, 0), 100, None);

    [Fact]
    public async Task ANewEvent_IsNoNews_AndSavingItUnchangedYieldsNothing()
    {
        var ev = SampleEvents.Create("conf");
        await Admin.SaveAsync(ev, None);
        await Admin.SaveAsync(ev, None);

        Assert.Empty(await ReadAsync());
    }

    [Fact]
    public async Task MovingASession_YieldsExactlyOneMovedChange_WithBothTimesAndRooms()
    {
        var ev = SampleEvents.Create("conf");
        await Admin.SaveAsync(ev, None);
        var lab = ev.Rooms.Single(r => r.Id == "lab");
        var moved = ev with
        {
            Sessions = [.. ev.Sessions.Select(s => s.Id == "101" ? s with { Start = s.Start + Duration.FromHours(2), End = s.End + Duration.FromHours(2), Room = lab } : s)],
        };
        await Admin.SaveAsync(moved, None);
        await Admin.SaveAsync(moved, None);

        var change = Assert.Single(await ReadAsync());
        Assert.Equal((ChangeKind.Moved, "101", "Opening"), (change.Kind, change.SessionId, change.Title));
        Assert.Equal(SampleEvents.Start, change.OldStart);
        Assert.Equal(SampleEvents.Start + Duration.FromHours(2), change.NewStart);
        Assert.Equal(SampleEvents.Start + Duration.FromMinutes(150), change.NewEnd);
        Assert.Equal(("Hall A", "Lab"), (change.OldRoom, change.NewRoom));
    }

    [Fact]
    public async Task ChangesToNonPublicSessionsOnly_AreNeverLogged()
    {
        var ev = SampleEvents.Create("conf");
        var draft = new Session { Id = "d1", Title = "Secret Draft", Start = SampleEvents.Start, End = SampleEvents.Start + Duration.FromHours(1), State = SessionState.Draft, LastModified = SampleEvents.Start };
        await Admin.SaveAsync(ev with { Sessions = [.. ev.Sessions, draft] }, None);
        // The cancelled workshop and the draft change; nothing public does.
        var edited = ev with
        {
            Sessions =
            [
                .. ev.Sessions.Select(s => s.Id == "102" ? s with { Title = "Workshop, moved while cancelled", Start = s.Start + Duration.FromHours(1), End = s.End + Duration.FromHours(1) } : s),
                draft with { Title = "Secret Draft Renamed", State = SessionState.Pending, Start = SampleEvents.Start + Duration.FromHours(3), End = SampleEvents.Start + Duration.FromHours(4) },
            ],
        };
        await Admin.SaveAsync(edited, None);
        await Admin.SaveAsync(ev, None);

        Assert.Empty(await ReadAsync());
    }
}

public sealed class FileChangeLogContractTests : ChangeLogContractTests
{
    protected override Task<string?> PostgresAsync() => Task.FromResult<string?>(null);
}

[Collection(UsesServers.Name)]
public sealed class PostgresChangeLogContractTests(ServersFixture servers) : ChangeLogContractTests
{
    protected override async Task<string?> PostgresAsync() => await servers.Postgres.CreateDatabaseAsync();
}
