using FeedProxy.Admin;
using FeedProxy.Changes;
using FeedProxy.Formats.Upstream;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Production.Tests.Storage;
using FeedProxy.Storage;
using FeedProxy.Storage.Postgres;
using FeedProxy.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>
/// What every <see cref="IEventAdminStore"/> does, with the event store it writes and the source
/// store its deletes reach. The stores are built directly (no host: no refresher, no watcher).
/// </summary>
public abstract class EventAdminStoreContractTests : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected IEventAdminStore Admin { get; set; } = null!;

    protected IEventStore Events { get; set; } = null!;

    protected ISourceStore Sources { get; set; } = null!;

    private static CancellationToken None => CancellationToken.None;

    /// <summary>Sets <see cref="Admin"/>, <see cref="Events"/> and <see cref="Sources"/> on empty storage.</summary>
    protected abstract Task CreateStoresAsync();

    public Task InitializeAsync() => CreateStoresAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static SourceDefinition Source(string id) => new(
        id, SourceKind.ICalendar, new Uri("https://calendar.example.org/basic.ics"), 300, null,
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    [Fact]
    public async Task ASave_CreatesTheEvent_ReadableWhenTheCallReturns()
    {
        await Admin.SaveAsync(SampleEvents.Create("conf"), None);

        var read = await Events.GetAsync("conf", None);

        Assert.NotNull(read);
        Assert.Equal(SampleEvents.Create("conf").Sessions.Select(s => s.Id).Order(), read.Event.Sessions.Select(s => s.Id).Order());
        Assert.Equal(["conf"], await Events.ListAsync(None));
    }

    [Fact]
    public async Task ASave_ReplacesTheWholeEvent()
    {
        var saved = SampleEvents.Create("conf");
        await Admin.SaveAsync(saved, None);
        var kept = saved.Sessions[0];

        await Admin.SaveAsync(saved with { Name = "Renamed", Sessions = [kept] }, None);

        var read = (await Events.GetAsync("conf", None))!.Event;
        Assert.Equal("Renamed", read.Name);
        Assert.Equal([kept.Id], read.Sessions.Select(s => s.Id));
    }

    [Fact]
    public async Task SavingTheSameEventAgain_KeepsItsVersion_AndAChangeDoesNot()
    {
        var saved = SampleEvents.Create("conf");
        await Admin.SaveAsync(saved, None);
        var first = await Events.GetVersionAsync("conf", None);

        await Admin.SaveAsync(SampleEvents.Create("conf"), None);
        Assert.Equal(first, await Events.GetVersionAsync("conf", None));

        await Admin.SaveAsync(saved with { Name = "Renamed" }, None);
        Assert.NotEqual(first, await Events.GetVersionAsync("conf", None));
    }

    [Fact]
    public async Task DeletingAnUnknownEvent_IsFalse_AndChangesNothing()
    {
        await Admin.SaveAsync(SampleEvents.Create("other"), None);
        await Sources.PutAsync(Source("other"), None);

        Assert.False(await Admin.DeleteAsync("nothing", None));

        Assert.Equal(["other"], await Events.ListAsync(None));
        Assert.NotNull(await Sources.GetAsync("other", None));
    }

    [Fact]
    public async Task DeletingAnEvent_RemovesItAndItsSource_OnlyTheFirstTime()
    {
        await Admin.SaveAsync(SampleEvents.Create("conf"), None);
        await Sources.PutAsync(Source("conf"), None);
        await Admin.SaveAsync(SampleEvents.Create("other"), None);
        await Sources.PutAsync(Source("other"), None);

        Assert.True(await Admin.DeleteAsync("conf", None));

        Assert.Null(await Events.GetAsync("conf", None));
        Assert.Null(await Sources.GetAsync("conf", None));
        Assert.Equal(["other"], await Events.ListAsync(None));
        Assert.Equal(["other"], (await Sources.ListDueAsync(None)).Keys);
        Assert.False(await Admin.DeleteAsync("conf", None));
    }

    [Fact]
    public async Task DeletingAnEventWithoutASource_IsTrue()
    {
        await Admin.SaveAsync(SampleEvents.Create("conf"), None);

        Assert.True(await Admin.DeleteAsync("conf", None));

        Assert.Null(await Events.GetAsync("conf", None));
    }

    [Fact]
    public async Task DeletingASourceWhoseEventWasNeverFetched_IsTrue_AndRemovesTheSource()
    {
        await Sources.PutAsync(Source("conf"), None);

        Assert.True(await Admin.DeleteAsync("conf", None));

        Assert.Null(await Sources.GetAsync("conf", None));
        Assert.False(await Admin.DeleteAsync("conf", None));
    }
}

public sealed class FileEventAdminStoreContractTests : EventAdminStoreContractTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("feedproxy-admin-").FullName;
    private readonly List<IDisposable> _owned = [];

    protected override Task CreateStoresAsync()
    {
        var options = Options.Create(new FeedProxyOptions { EventsPath = Path.Combine(_root, "events"), StatePath = Path.Combine(_root, "state") });
        var changes = new FileChangeLog(options, Options.Create(new ChangeOptions()), NullLogger<FileChangeLog>.Instance);
        var events = new FileEventStore(options, changes, Time, NullLogger<FileEventStore>.Instance);
        var sources = new FileSourceStore(options, Time, NullLogger<FileSourceStore>.Instance);
        var admin = new FileEventAdminStore(options, events, sources);
        _owned.Add(admin);
        _owned.Add(events);
        (Admin, Events, Sources) = (admin, events, sources);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        _owned.ForEach(o => o.Dispose());
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(UsesServers.Name)]
public sealed class PostgresEventAdminStoreContractTests(ServersFixture servers) : EventAdminStoreContractTests
{
    private PostgresTestDatabase? _database;

    protected override async Task CreateStoresAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync(servers);
        var events = new PostgresEventStore(_database.DataSource, NullLogger<PostgresEventStore>.Instance);
        (Admin, Events, Sources) = (new PostgresEventAdminStore(_database.Writer, events), events, new PostgresSourceStore(_database.DataSource, Time));
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
