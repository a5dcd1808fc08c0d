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
}
