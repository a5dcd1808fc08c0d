using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Storage.Postgres;
using FeedProxy.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FeedProxy.Production.Tests.Storage;

/// <summary>
/// What the store keeps in memory between reads: the version lookup of an event not held yet
/// loads it in the same round trip, loads are single-flight, kept snapshots are bounded.
/// </summary>
[Collection(UsesServers.Name)]
public sealed class PostgresEventStoreMemoryTests(ServersFixture servers)
{
    [Fact]
    public async Task VersionLookup_WhileListening_LoadsTheSnapshotOfThatVersion()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        // Written before the store listens, so no notification of it can drop what is kept.
        var written = await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        var store = await db.StartStoreAsync();

        var version = await store.GetVersionAsync("conf", default);
        var kept = store.KeptSessions;
        var snapshot = await store.GetAsync("conf", default);

        Assert.Equal(written, version);
        Assert.Equal(SampleEvents.Create("conf").Sessions.Count, kept);
        Assert.Equal(version, snapshot!.Version);
        Assert.Same(snapshot, await store.GetAsync("conf", default));
    }

    [Fact]
    public async Task VersionLookup_AfterAChange_ReturnsTheNewVersionWithItsSnapshot()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);
        var store = await db.StartStoreAsync();
        var before = await store.GetVersionAsync("conf", default);
        var changed = WaitForChange(store, "conf");

        var written = await new PostgresEventWriter(db.DataSource).UpsertSessionAsync("conf", ev.Sessions[0] with { Title = "Moved" });
        await changed.WaitAsync(Eventually.Deadline);
        var after = await store.GetVersionAsync("conf", default);
        var snapshot = await store.GetAsync("conf", default);

        Assert.NotEqual(before, after);
        Assert.Equal(after, snapshot!.Version);
        Assert.Equal("Moved", snapshot.Event.Sessions[0].Title);
        Assert.True(written);
    }

    [Fact]
    public async Task VersionLookup_UnknownEvent_IsNullAndKeepsNothing()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();

        Assert.Null(await store.GetVersionAsync("missing", default));
        Assert.Null(await store.GetVersionAsync("missing", default));
        Assert.Equal(0, store.KeptSessions);
    }

    [Fact]
    public async Task ConcurrentReads_OfAnEventNotHeld_ShareOneLoad()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        var store = await db.StartStoreAsync();

        var reads = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await store.GetAsync("conf", default))).ToArray();
        var snapshots = await Task.WhenAll(reads);

        // One load makes one snapshot instance; loads of their own would each make another.
        Assert.All(snapshots, s => Assert.Same(snapshots[0], s));
    }

    [Fact]
    public async Task ACancelledReader_DoesNotCancelTheSharedLoad()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        var store = await db.StartStoreAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetAsync("conf", cancelled.Token));
        var snapshot = await store.GetAsync("conf", default);

        Assert.NotNull(snapshot);
    }

    [Fact]
    public async Task KeptSnapshots_StayWithinTheSessionBound_LeastRecentlyUsedDroppedFirst()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var sessions = SampleEvents.Create("a").Sessions.Count;
        foreach (var id in new[] { "a", "b", "c" })
        {
            await db.Writer.UpsertEventAsync(SampleEvents.Create(id));
        }

        var store = await StartStoreAsync(db, maxKeptSessions: 2 * sessions);

        // Each read twice, so each is out of probation (the next test) and in use.
        var a = await store.GetAsync("a", default);
        Assert.Same(a, await store.GetAsync("a", default));
        var b = await store.GetAsync("b", default);
        Assert.Same(b, await store.GetAsync("b", default));
        Assert.Same(a, await store.GetAsync("a", default)); // a used after b
        var c = await store.GetAsync("c", default);
        Assert.Same(c, await store.GetAsync("c", default));

        Assert.Equal(2 * sessions, store.KeptSessions);
        Assert.Same(a, await store.GetAsync("a", default));
        Assert.Same(c, await store.GetAsync("c", default));
        var reloaded = await store.GetAsync("b", default);
        Assert.NotSame(b, reloaded);
        Assert.Equal(b!.Version, reloaded!.Version);
        Assert.Equal(b.Version, await store.GetVersionAsync("b", default));
        Assert.True(store.KeptSessions <= 2 * sessions);
    }

    [Fact]
    public async Task SnapshotsReadOnce_StayOnProbation_AndDoNotPushOutThoseInUse()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var sessions = SampleEvents.Create("a").Sessions.Count;
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            await db.Writer.UpsertEventAsync(SampleEvents.Create(id));
        }

        var store = await StartStoreAsync(db, maxKeptSessions: 5 * sessions);
        Assert.Equal(sessions, store.MaxProbationSessions);
        var a = await store.GetAsync("a", default);
        Assert.Same(a, await store.GetAsync("a", default));   // read twice: in use
        Assert.Equal(0, store.ProbationSessions);

        // One-off misses, as a request makes them: a version lookup that loads, then one read.
        var once = new Dictionary<string, object?>();
        foreach (var id in new[] { "b", "c", "d" })
        {
            await store.GetVersionAsync(id, default);
            once[id] = await store.GetAsync(id, default);
        }

        // Only the newest one-off stays, beside the snapshot in use; the others keep their versions.
        Assert.Equal(sessions, store.ProbationSessions);
        Assert.Equal(2 * sessions, store.KeptSessions);
        Assert.Same(a, await store.GetAsync("a", default));
        Assert.Same(once["d"], await store.GetAsync("d", default));   // its second read: in use now
        Assert.Equal(0, store.ProbationSessions);
        Assert.NotSame(once["b"], await store.GetAsync("b", default));
        Assert.NotNull(await store.GetVersionAsync("c", default));
    }

    [Fact]
    public async Task AnEventLargerThanTheProbationBound_IsStillKeptForTheRequestThatLoadedIt()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var sessions = SampleEvents.Create("conf").Sessions.Count;
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        var store = await StartStoreAsync(db, maxKeptSessions: sessions);   // probation bound: a fifth of one event

        await store.GetVersionAsync("conf", default);
        var first = await store.GetAsync("conf", default);

        Assert.Equal(sessions, store.KeptSessions);
        Assert.Same(first, await store.GetAsync("conf", default));
    }

    [Fact]
    public async Task AnEventLargerThanTheBound_IsServedButNotKept()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var written = await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        var store = await StartStoreAsync(db, maxKeptSessions: 0);

        var first = await store.GetAsync("conf", default);
        var second = await store.GetAsync("conf", default);

        Assert.Equal(0, store.KeptSessions);
        Assert.NotSame(first, second);
        Assert.Equal(written, await store.GetVersionAsync("conf", default));
    }

    [Fact]
    public async Task AutoPreparedStatements_AnswerLikeUnpreparedOnes()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        var connectionString = PostgresServiceCollectionExtensions.WithAutoPrepare(db.ConnectionString);
        await using var prepared = NpgsqlDataSource.Create(connectionString);

        Assert.Equal(32, new NpgsqlConnectionStringBuilder(connectionString).MaxAutoPrepare);
        var expected = await PostgresEventReader.LoadAsync(db.DataSource, "conf", default);
        // Past Npgsql's AutoPrepareMinUsages (5), so the later loads run prepared.
        for (var i = 0; i < 8; i++)
        {
            var loaded = await PostgresEventReader.LoadAsync(prepared, "conf", default);
            Assert.Equal(expected!.Version, loaded!.Version);
            Assert.Equal(expected.Event.Sessions.Select(s => s with { Speakers = [] }), loaded.Event.Sessions.Select(s => s with { Speakers = [] }));
            Assert.Equal(expected.Event.Sessions.SelectMany(s => s.Speakers), loaded.Event.Sessions.SelectMany(s => s.Speakers));
            Assert.Null(await PostgresEventReader.LoadAsync(prepared, "missing", default));
        }
    }

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0", 0)]
    [InlineData("Host=h;maxautoprepare=7", 7)]
    [InlineData("Host=h", 32)]
    public void AutoPrepare_IsOnUnlessTheConnectionStringSetsIt(string given, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(PostgresServiceCollectionExtensions.WithAutoPrepare(given)).MaxAutoPrepare);

    private static async Task<PostgresEventStore> StartStoreAsync(PostgresTestDatabase db, int maxKeptSessions)
    {
        var dataSource = db.DataSource;
        var store = new PostgresEventStore(dataSource, NullLogger<PostgresEventStore>.Instance, maxKeptSessions);
        var listener = new PostgresChangeListener(dataSource, store, NullLogger<PostgresChangeListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        db.Own(listener);
        Assert.True(await Eventually.TrueAsync(() => store.IsListening), "the store never listened for changes");

        return store;
    }

    private static Task WaitForChange(PostgresEventStore store, string eventId)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += id =>
        {
            if (id == eventId)
            {
                done.TrySetResult();
            }
        };
        return done.Task;
    }
}
