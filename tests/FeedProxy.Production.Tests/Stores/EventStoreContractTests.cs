using FeedProxy.Admin;
using FeedProxy.Formats.Model;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Production.Tests.Storage;
using FeedProxy.Storage;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>What every event store pair (<see cref="IEventAdminStore"/> writing, <see cref="IEventStore"/> reading) does.</summary>
public abstract class EventStoreContractTests : StoreContract
{
    private static CancellationToken None => CancellationToken.None;

    private IEventAdminStore Admin => Get<IEventAdminStore>();

    private IEventStore Store => Get<IEventStore>();

    [Fact]
    public async Task ASavedEvent_ReadsBackWithEverything_AndItsVersionWithoutLoading()
    {
        var saved = SampleEvents.Create("conf");
        await Admin.SaveAsync(saved, None);

        var snapshot = await Store.GetAsync("conf", None);

        Assert.NotNull(snapshot);
        var read = snapshot.Event;
        Assert.Equal((saved.Name, saved.TimeZone, saved.Visibility), (read.Name, read.TimeZone, read.Visibility));
        Assert.Equal(saved.Sessions.Select(s => (s.Id, s.Title, s.Start, s.End, s.State)).Order(), read.Sessions.Select(s => (s.Id, s.Title, s.Start, s.End, s.State)).Order());
        Assert.Equal(saved.Speakers.Select(s => (s.Id, s.Name)).Order(), read.Speakers.Select(s => (s.Id, s.Name)).Order());
        Assert.Equal(saved.Rooms.Select(r => (r.Id, r.Name)).Order(), read.Rooms.Select(r => (r.Id, r.Name)).Order());
        Assert.Equal(saved.Tracks.Select(t => (t.Id, t.Name)).Order(), read.Tracks.Select(t => (t.Id, t.Name)).Order());
        var opening = read.Sessions.Single(s => s.Id == "101");
        Assert.Equal(("Hall A", "Main track"), (opening.Room?.Name, opening.Track?.Name));
        Assert.Equal(["Speaker One", "Speaker Two"], opening.Speakers.Select(s => s.Name));
        Assert.Equal(snapshot.Version, await Store.GetVersionAsync("conf", None));
        Assert.Contains("conf", await Store.ListAsync(None));
    }

    [Fact]
    public async Task AnUnknownEvent_IsNull_AndDeletingItIsFalse()
    {
        Assert.Null(await Store.GetAsync("nothing", None));
        Assert.Null(await Store.GetVersionAsync("nothing", None));
        Assert.False(await Admin.DeleteAsync("nothing", None));
        Assert.DoesNotContain("nothing", await Store.ListAsync(None));
    }

    [Fact]
    public async Task AnEdit_IsReadAtOnce_WithANewVersion()
    {
        var saved = SampleEvents.Create("conf");
        await Admin.SaveAsync(saved, None);
        var before = await Store.GetAsync("conf", None);

        await Admin.SaveAsync(saved with { Sessions = [.. saved.Sessions.Select(s => s.Id == "101" ? s with { Title = "Opening, revised" } : s)] }, None);
        var after = await Store.GetAsync("conf", None);

        Assert.Equal("Opening, revised", after!.Event.Sessions.Single(s => s.Id == "101").Title);
        Assert.NotEqual(before!.Version, after.Version);
        Assert.Equal(after.Version, await Store.GetVersionAsync("conf", None));
    }

    [Fact]
    public async Task Deleting_RemovesTheEventFromReadsAndTheList()
    {
        await Admin.SaveAsync(SampleEvents.Create("conf"), None);
        await Admin.SaveAsync(SampleEvents.Create("other"), None);

        Assert.True(await Admin.DeleteAsync("conf", None));

        Assert.Null(await Store.GetAsync("conf", None));
        Assert.Null(await Store.GetVersionAsync("conf", None));
        Assert.Equal(["other"], (await Store.ListAsync(None)).Order());
        Assert.False(await Admin.DeleteAsync("conf", None));
    }
}

public sealed class FileEventStoreContractTests : EventStoreContractTests
{
    protected override Task<string?> PostgresAsync() => Task.FromResult<string?>(null);
}

[Collection(UsesServers.Name)]
public sealed class PostgresEventStoreContractTests(ServersFixture servers) : EventStoreContractTests
{
    protected override async Task<string?> PostgresAsync() => await servers.Postgres.CreateDatabaseAsync();
}
