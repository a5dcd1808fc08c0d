using FeedProxy.Changes;
using FeedProxy.Formats.Changes;
using FeedProxy.Formats.Model;
using FeedProxy.Production.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Production.Tests.Storage;

/// <summary>The change log the schema's triggers write (migration 0004), read through <see cref="PostgresChangeLog"/>.</summary>
[Collection(UsesServers.Name)]
public sealed class PostgresChangeLogTests(ServersFixture servers)
{
    private static PostgresChangeLog Log(PostgresTestDatabase database) =>
        new(database.DataSource, Options.Create(new ChangeOptions()), TimeProvider.System, NullLogger<PostgresChangeLog>.Instance);

    private static async Task<IReadOnlyList<ScheduleChange>> ReadAsync(PostgresTestDatabase database, string id = "conf") =>
        await Log(database).ReadAsync([id], Instant.FromUtc(2000, 1, 1, 0, 0), 100, CancellationToken.None);

    private static Event WithSession(Event ev, string id, Func<Session, Session> change) =>
        ev with { Sessions = [.. ev.Sessions.Select(s => s.Id == id ? change(s) : s)] };

    [Fact]
    public async Task EachKindIsLogged_ThroughEveryWritePath()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        await database.Writer.UpsertEventAsync(ev);

        var bob = ev.Speakers.Single(s => s.Id == "s2");
        var edited = ev with
        {
            Sessions =
            [
                .. ev.Sessions.Where(s => s.Id != "103").Select(s => s.Id == "101" ? s with { Title = "Grand Opening", Speakers = [bob] } : s),
                new Session { Id = "104", Title = "Closing", Start = SampleEvents.Start + Duration.FromHours(6), End = SampleEvents.Start + Duration.FromHours(7), LastModified = SampleEvents.Start },
                new Session { Id = "105", Title = "Secret Draft", Start = SampleEvents.Start, End = SampleEvents.Start + Duration.FromHours(1), State = SessionState.Draft, LastModified = SampleEvents.Start },
            ],
        };
        await database.Writer.UpsertEventAsync(edited);
        var changes = await ReadAsync(database);
        Assert.Equal(
            [(ChangeKind.Retitled, "101"), (ChangeKind.Speakers, "101"), (ChangeKind.Cancelled, "103"), (ChangeKind.Added, "104")],
            changes.Select(c => (c.Kind, c.SessionId)).OrderBy(c => c.SessionId, StringComparer.Ordinal).ThenBy(c => c.Kind).ToList());
        var speakers = changes.Single(c => c.Kind == ChangeKind.Speakers);
        Assert.Equal(("Speaker One, Speaker Two", "Speaker Two"), (speakers.OldSpeakers, speakers.NewSpeakers));
        Assert.Equal("Opening", changes.Single(c => c.Kind == ChangeKind.Retitled).OldTitle);

        // Single-session writes are logged too.
        await database.Writer.UpsertSessionAsync("conf", edited.Sessions.Single(s => s.Id == "104") with { Start = SampleEvents.Start + Duration.FromHours(8), End = SampleEvents.Start + Duration.FromHours(9) });
        await database.Writer.DeleteSessionAsync("conf", "104");
        var latest = (await ReadAsync(database)).Where(c => c.SessionId == "104").Select(c => c.Kind).Order().ToList();
        Assert.Equal([ChangeKind.Added, ChangeKind.Cancelled, ChangeKind.Moved], latest);
    }

    [Fact]
    public async Task DeletingTheEvent_ForgetsItsChanges_AndPurgeKeepsRecentOnes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers);
        var ev = SampleEvents.Create("conf");
        await database.Writer.UpsertEventAsync(ev);
        await database.Writer.UpsertEventAsync(WithSession(ev, "101", s => s with { Title = "Renamed" }));
        Assert.Single(await ReadAsync(database));
        Assert.Equal(0, await Log(database).PurgeAsync(CancellationToken.None));
        Assert.Single(await ReadAsync(database));

        await database.Writer.DeleteEventAsync("conf");
        Assert.Empty(await ReadAsync(database));
    }
}
