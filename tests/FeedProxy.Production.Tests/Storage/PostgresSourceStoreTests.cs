using FeedProxy.Formats.Upstream;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Upstream;
using Npgsql;
using NodaTime;

namespace FeedProxy.Production.Tests.Storage;

[Collection(UsesServers.Name)]
public sealed class PostgresSourceStoreTests(ServersFixture servers)
{
    private static SourceDefinition Definition(string id, int refresh = 60) => new(
        id, SourceKind.ICalendar, new Uri("https://calendar.example.org/basic.ics"), refresh, "Europe/Berlin",
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer secret" });

    [Fact]
    public async Task PutGet_RoundTripsTheDefinitionAndHeaders()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = new PostgresSourceStore(db.DataSource, TimeProvider.System);

        await store.PutAsync(Definition("a"), default);
        var found = await store.GetAsync("a", default);

        Assert.NotNull(found);
        Assert.Equal(Definition("a").ContentKey, found.Value.Definition.ContentKey);
        Assert.Equal(1, found.Value.Status.Generation);
        Assert.True(await store.DeleteAsync("a", default));
        Assert.Null(await store.GetAsync("a", default));
    }

    [Fact]
    public async Task Complete_KeepsWarningsAndValidators_APutClearsThem()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = new PostgresSourceStore(db.DataSource, TimeProvider.System);
        await store.PutAsync(Definition("w"), default);
        var claimed = await store.ClaimAsync("w", Duration.FromMinutes(1), default);
        Assert.NotNull(claimed);

        await store.CompleteAsync("w", claimed.Status with { LastResult = "200", ETag = "[[\"\\\"a\\\"\",null]]", Warnings = "Session 'x' (x): RRULE 'FREQ=NEVER' rejected." }, default);
        var found = (await store.GetAsync("w", default))!.Value.Status;
        Assert.Equal("Session 'x' (x): RRULE 'FREQ=NEVER' rejected.", found.Warnings);
        Assert.Equal("[[\"\\\"a\\\"\",null]]", found.ETag);

        await store.PutAsync(Definition("w", refresh: 120), default);
        Assert.Null((await store.GetAsync("w", default))!.Value.Status.Warnings);
    }

    [Fact]
    public async Task ConcurrentClaims_FromManyInstances_TakeEachDueSourceExactlyOnce()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var setup = new PostgresSourceStore(db.DataSource, TimeProvider.System);
        for (var i = 0; i < 20; i++)
        {
            await setup.PutAsync(Definition("s" + i), default);
        }

        // Eight "instances", each with its own connection pool, claiming as fast as they can.
        var sources = Enumerable.Range(0, 8).Select(_ => NpgsqlDataSource.Create(db.ConnectionString)).ToList();
        try
        {
            var claims = await Task.WhenAll(sources.Select(async ds =>
            {
                var store = new PostgresSourceStore(ds, TimeProvider.System);
                var mine = new List<string>();
                while (await store.ClaimAsync(null, Duration.FromMinutes(1), default) is { } claimed)
                {
                    mine.Add(claimed.Definition.EventId);
                }

                return mine;
            }));

            var all = claims.SelectMany(c => c).ToList();
            Assert.Equal(20, all.Count);
            Assert.Equal(20, all.Distinct().Count());
            Assert.Null(await setup.ClaimAsync(null, Duration.FromMinutes(1), default)); // next due one interval ahead
            Assert.Null(await setup.ClaimAsync("s3", Duration.FromMinutes(1), default)); // leased
        }
        finally
        {
            foreach (var ds in sources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Complete_ReleasesTheLease_AndIsIgnoredAfterTheDefinitionChanged()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = new PostgresSourceStore(db.DataSource, TimeProvider.System);
        await store.PutAsync(Definition("a"), default);
        var claimed = await store.ClaimAsync(null, Duration.FromMinutes(1), default);
        Assert.NotNull(claimed);

        var next = Instant.FromDateTimeUtc(DateTime.UtcNow.AddMinutes(5));
        await store.CompleteAsync("a", claimed.Status with { LastResult = "200", ETag = "\"v1\"", NextDue = next, ClaimedUntil = null }, default);
        var done = (await store.GetAsync("a", default))!.Value.Status;
        Assert.Equal("\"v1\"", done.ETag);
        Assert.Null(done.ClaimedUntil);
        Assert.NotNull(await store.ClaimAsync("a", Duration.FromMinutes(1), default)); // forced: not due, but not leased

        await store.PutAsync(Definition("a", 120), default); // a new definition: generation 2, fresh state
        await store.CompleteAsync("a", claimed.Status with { LastResult = "stale", ETag = "\"old\"" }, default);
        var fresh = (await store.GetAsync("a", default))!.Value.Status;
        Assert.Null(fresh.ETag);
        Assert.Equal(2, fresh.Generation);

        await store.MakeDueAsync("a", default);
        Assert.NotNull(await store.ListDueAsync(default));
    }
}
