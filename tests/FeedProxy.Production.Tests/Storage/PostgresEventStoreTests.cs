using FeedProxy.Formats.Model;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Storage;
using FeedProxy.Storage.Postgres;
using NodaTime;
using FeedProxy.Testing;

namespace FeedProxy.Production.Tests.Storage;

[Collection(UsesServers.Name)]
public sealed class PostgresEventStoreTests(ServersFixture servers)
{
    // The acceptance bound of a change reaching another instance, from the writer's commit to
    // the other store's Changed (raised on PostgreSQL's NOTIFY). Other waits for a notification
    // are for its arrival only and use Eventually.Deadline.
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task UpsertThenGet_RoundTripsEveryField()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var expected = SampleEvents.Create("conf");

        var version = await db.Writer.UpsertEventAsync(expected);
        var snapshot = await store.GetAsync("conf", default);

        Assert.NotNull(snapshot);
        Assert.Equal(version, snapshot.Version);
        var actual = snapshot.Event;
        // Event.LastModified is the latest change of anything in the event (the write itself
        // counts), so it is at least the event's own field.
        Assert.True(actual.LastModified >= expected.LastModified);
        Assert.Equal(
            expected with { Tracks = [], Rooms = [], Speakers = [], Sessions = [] },
            actual with { Tracks = [], Rooms = [], Speakers = [], Sessions = [], LastModified = expected.LastModified });
        Assert.Equal(expected.Tracks, actual.Tracks);
        Assert.Equal(expected.Rooms, actual.Rooms);
        Assert.Equal(expected.Speakers, actual.Speakers);
        Assert.Equal(expected.Sessions.Count, actual.Sessions.Count);
        for (var i = 0; i < expected.Sessions.Count; i++)
        {
            var e = expected.Sessions[i];
            var a = actual.Sessions[i];
            Assert.Equal(e.Speakers, a.Speakers);
            Assert.Equal(e with { Speakers = [] }, a with { Speakers = [] });
        }
    }

    [Fact]
    public async Task Get_NeverReadsSpeakerEmail()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        Assert.True(await db.Writer.SetSpeakerEmailAsync("conf", "s1", "speaker.one@example.org"));
        Assert.False(await db.Writer.SetSpeakerEmailAsync("conf", "nobody", "nobody@example.org"));

        var snapshot = await store.GetAsync("conf", default);

        Assert.NotNull(snapshot);
        Assert.DoesNotContain(typeof(Speaker).GetProperties(), p => p.Name.Contains("mail", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(AllStrings(snapshot.Event), s => s.Contains("@example.org", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_SanitisesStoredText()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev with
        {
            Name = "  Bad\r\nname\u0001 ",
            Description = "a\r\nb\u0007",
            Sessions = [ev.Sessions[0] with { Title = "T\u000bitle\r\nmore", Abstract = "x\r\ny", Subtitle = "   " }],
        });

        var loaded = (await store.GetAsync("conf", default))!.Event;

        Assert.Equal("Bad name", loaded.Name);
        Assert.Equal("a\nb", loaded.Description);
        Assert.Equal("Title more", loaded.Sessions[0].Title);
        Assert.Equal("x\ny", loaded.Sessions[0].Abstract);
        Assert.Null(loaded.Sessions[0].Subtitle);
    }

    [Fact]
    public async Task ListAndVersion_ReflectWrites()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var v1 = await db.Writer.UpsertEventAsync(SampleEvents.Create("b-conf"));
        await db.Writer.UpsertEventAsync(SampleEvents.Create("a-conf") with { Visibility = EventVisibility.Private, Published = false });

        Assert.Equal(["a-conf", "b-conf"], await store.ListAsync(default));
        Assert.Equal(v1, await store.GetVersionAsync("b-conf", default));
        Assert.False((await store.GetAsync("a-conf", default))!.Event.Published);
    }

    [Fact]
    public async Task UnchangedReupsert_KeepsVersionAndRevisions()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var ev = SampleEvents.Create("conf");
        var v1 = await db.Writer.UpsertEventAsync(ev);
        var before = (await store.GetAsync("conf", default))!.Event;

        var v2 = await db.Writer.UpsertEventAsync(ev);
        var after = await LoadFreshAsync(db, "conf");

        Assert.Equal(v1, v2);
        Assert.Equal(before.Sessions.Select(s => (s.Id, s.Revision, s.LastModified)), after.Sessions.Select(s => (s.Id, s.Revision, s.LastModified)));
    }

    [Fact]
    public async Task ChangedSessionInReupsert_BumpsOnlyThatSessionsRevision()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        var v1 = await db.Writer.UpsertEventAsync(ev);
        var before = await LoadFreshAsync(db, "conf");

        var moved = ev.Sessions[1] with { Start = ev.Sessions[1].Start + Duration.FromMinutes(15) };
        var v2 = await db.Writer.UpsertEventAsync(ev with { Sessions = [ev.Sessions[0], moved, ev.Sessions[2]] });
        var after = await LoadFreshAsync(db, "conf");

        Assert.NotEqual(v1, v2);
        Assert.Equal(before.Sessions[0].Revision, after.Sessions[0].Revision);
        Assert.Equal(before.Sessions[1].Revision + 1, after.Sessions[1].Revision);
        Assert.True(after.Sessions[1].LastModified > before.Sessions[1].LastModified);
        Assert.Equal(before.Sessions[2].Revision, after.Sessions[2].Revision);
    }

    public static TheoryData<string> Changes =>
    [
        "insert session", "update session title", "delete session", "cancel session", "add speaker link",
        "remove speaker link", "rename track", "rename room", "rename speaker", "delete track",
        "replace with fewer sessions", "event name", "unpublish", "make private",
    ];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task EveryKindOfChange_BumpsVersion_AndNotifies(string change)
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var ev = SampleEvents.Create("conf");
        var v1 = await db.Writer.UpsertEventAsync(ev);
        Assert.Equal(v1, await store.GetVersionAsync("conf", default));
        var changed = WaitForChange(store, "conf");
        var w = db.Writer;
        var opening = ev.Sessions[0];

        switch (change)
        {
            case "insert session":
                Assert.True(await w.UpsertSessionAsync("conf", opening with { Id = "104", Title = "New" }));
                break;
            case "update session title":
                Assert.True(await w.UpsertSessionAsync("conf", opening with { Title = "Opening (updated)" }));
                break;
            case "delete session":
                Assert.True(await w.DeleteSessionAsync("conf", "102"));
                break;
            case "cancel session":
                Assert.True(await w.UpsertSessionAsync("conf", opening with { State = SessionState.Cancelled }));
                break;
            case "add speaker link":
                Assert.True(await w.UpsertSessionAsync("conf", ev.Sessions[2] with { Speakers = [ev.Speakers[0]] }));
                break;
            case "remove speaker link":
                Assert.True(await w.UpsertSessionAsync("conf", opening with { Speakers = [ev.Speakers[0]] }));
                break;
            case "rename track":
                Assert.True(await w.UpsertTrackAsync("conf", ev.Tracks[0] with { Name = "Renamed track" }));
                break;
            case "rename room":
                Assert.True(await w.UpsertRoomAsync("conf", ev.Rooms[0] with { Name = "Renamed room" }));
                break;
            case "rename speaker":
                Assert.True(await w.UpsertSpeakerAsync("conf", ev.Speakers[1] with { Name = "Renamed speaker" }));
                break;
            case "delete track":
                Assert.True(await w.DeleteTrackAsync("conf", "side"));
                break;
            case "replace with fewer sessions":
                await w.UpsertEventAsync(ev with { Sessions = ev.Sessions.Take(2).ToList() });
                break;
            case "event name":
                await w.UpsertEventAsync(ev with { Name = "Renamed conference" });
                break;
            case "unpublish":
                Assert.True(await w.SetPublishedAsync("conf", false));
                break;
            case "make private":
                Assert.True(await w.SetVisibilityAsync("conf", EventVisibility.Private));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change));
        }

        await changed.WaitAsync(Eventually.Deadline);
        var v2 = await store.GetVersionAsync("conf", default);
        Assert.NotNull(v2);
        Assert.NotEqual(v1, v2);
        Assert.Equal(v2, (await store.GetAsync("conf", default))!.Version);
    }

    [Fact]
    public async Task SessionLevelChanges_BumpRevisionOfAffectedSessionsOnly()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);
        var r0 = Revisions(await LoadFreshAsync(db, "conf"));

        await db.Writer.UpsertTrackAsync("conf", ev.Tracks[0] with { Name = "Renamed" }); // session 101
        var r1 = Revisions(await LoadFreshAsync(db, "conf"));
        Assert.Equal(r0["101"] + 1, r1["101"]);
        Assert.Equal(r0["102"], r1["102"]);
        Assert.Equal(r0["103"], r1["103"]);

        await db.Writer.UpsertSpeakerAsync("conf", ev.Speakers[1] with { Organisation = "Other" }); // 101 and 102
        var r2 = Revisions(await LoadFreshAsync(db, "conf"));
        Assert.Equal(r1["101"] + 1, r2["101"]);
        Assert.Equal(r1["102"] + 1, r2["102"]);
        Assert.Equal(r1["103"], r2["103"]);

        await db.Writer.UpsertSessionAsync("conf", ev.Sessions[2] with { Speakers = [ev.Speakers[0]] }); // link added to 103
        var r3 = Revisions(await LoadFreshAsync(db, "conf"));
        Assert.Equal(r2["103"] + 1, r3["103"]);
        Assert.Equal(r2["101"], r3["101"]);

        await db.Writer.UpsertSessionAsync("conf", ev.Sessions[2] with { Speakers = [ev.Speakers[0]] }); // unchanged
        Assert.Equal(r3, Revisions(await LoadFreshAsync(db, "conf")));

        Assert.True(await db.Writer.SetSpeakerEmailAsync("conf", "s1", "one@example.org")); // invisible to subscribers
        Assert.Equal(r3, Revisions(await LoadFreshAsync(db, "conf")));
    }

    [Fact]
    public async Task NewSession_StartsWithGivenRevision()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);

        await db.Writer.UpsertSessionAsync("conf", ev.Sessions[0] with { Id = "200", Revision = 0 });

        Assert.Equal(0, Revisions(await LoadFreshAsync(db, "conf"))["200"]);
    }

    [Fact]
    public async Task TwoInstances_ChangeThroughOne_RaisesChangedOnOtherWithinOneSecond()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var one = await db.StartStoreAsync();
        var two = await db.StartStoreAsync();
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);
        var cached = await two.GetAsync("conf", default);

        var changed = WaitForChange(two, "conf");
        await new PostgresEventWriter(db.DataSource).UpsertSessionAsync("conf", ev.Sessions[0] with { Title = "Changed elsewhere" });
        await changed.WaitAsync(OneSecond);

        var fresh = await two.GetAsync("conf", default);
        Assert.NotEqual(cached!.Version, fresh!.Version);
        Assert.Equal("Changed elsewhere", fresh.Event.Sessions[0].Title);
        Assert.Equal(fresh.Version, (await one.GetAsync("conf", default))!.Version);
    }

    [Fact]
    public async Task DeleteEvent_RemovesEverything_AndNotifies()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        Assert.NotNull(await store.GetAsync("conf", default));
        var changed = WaitForChange(store, "conf");

        Assert.True(await db.Writer.DeleteEventAsync("conf"));
        await changed.WaitAsync(Eventually.Deadline);

        Assert.Null(await store.GetAsync("conf", default));
        Assert.False(await db.Writer.DeleteEventAsync("conf"));
        await using var count = db.DataSource.CreateCommand("SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM speakers) + (SELECT count(*) FROM session_speakers)");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task RecreatedEvent_NeverReusesAVersion()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var v1 = await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        await db.Writer.DeleteEventAsync("conf");

        var v2 = await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));

        Assert.NotEqual(v1, v2);
    }

    [Fact]
    public async Task WritesToMissingEvent_ReturnFalse()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");

        Assert.False(await db.Writer.UpsertSessionAsync("missing", ev.Sessions[0]));
        Assert.False(await db.Writer.SetPublishedAsync("missing", true));
        Assert.False(await db.Writer.DeleteSessionAsync("missing", "101"));
        Assert.False(await db.Writer.UpsertTrackAsync("missing", ev.Tracks[0]));
    }

    [Fact]
    public async Task PrivateTokens_RotateInTheDatabase_OldTokenGoneAtOnce()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        await db.Writer.UpsertEventAsync(SampleEvents.Create("conf"));
        await db.Writer.SetVisibilityAsync("conf", EventVisibility.Private);
        var tokens = new FeedProxy.Private.PostgresAccessTokenStore(db.DataSource);
        var other = new FeedProxy.Private.PostgresAccessTokenStore(db.DataSource); // a second instance

        Assert.Null(await tokens.GetAsync("conf", default));
        // The store keeps only the hash of the token it hands out (issue 9).
        var first = await tokens.RotateAsync("conf", default);
        Assert.Equal(FeedProxy.Private.AccessTokens.Hash(first), await other.GetAsync("conf", default));
        var second = await other.RotateAsync("conf", default);
        Assert.NotEqual(first, second);
        Assert.Equal(FeedProxy.Private.AccessTokens.Hash(second), await tokens.GetAsync("conf", default));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await tokens.RotateAsync("missing", default));
        Assert.Equal(EventVisibility.Private, (await store.GetAsync("conf", default))!.Event.Visibility);
    }

    [Fact]
    public async Task ConcurrentWritersToOneEvent_AllSucceed()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? (Task)db.Writer.UpsertSessionAsync("conf", ev.Sessions[0] with { Id = "n" + i, Title = "T" + i })
            : db.Writer.UpsertEventAsync(ev with { Name = "Name " + i })));

        Assert.NotNull(await LoadFreshAsync(db, "conf"));
    }

    private static async Task<Event> LoadFreshAsync(PostgresTestDatabase db, string id) =>
        (await PostgresEventReader.LoadAsync(db.DataSource, id, default))!.Event;

    private static Dictionary<string, int> Revisions(Event ev) => ev.Sessions.ToDictionary(s => s.Id, s => s.Revision);

    private static Task WaitForChange(IEventStore store, string eventId)
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

    private static IEnumerable<string> AllStrings(Event ev)
    {
        IEnumerable<object?> objects = [ev, ev.Venue, .. ev.Tracks, .. ev.Rooms, .. ev.Speakers, .. ev.Sessions, .. ev.Sessions.SelectMany(s => s.Speakers)];
        return objects
            .Where(o => o is not null)
            .SelectMany(o => o!.GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => (string?)p.GetValue(o)))
            .OfType<string>();
    }
}
