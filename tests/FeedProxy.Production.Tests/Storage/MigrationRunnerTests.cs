using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Storage.Postgres;

namespace FeedProxy.Production.Tests.Storage;

[Collection(UsesServers.Name)]
public sealed class MigrationRunnerTests(ServersFixture servers)
{
    [Fact]
    public async Task ApplyTwice_SecondRunAppliesNothing()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers, migrate: false);

        var first = await MigrationRunner.ApplyAsync(database.DataSource);
        var second = await MigrationRunner.ApplyAsync(database.DataSource);

        Assert.Contains("0001_initial", first);
        Assert.Equal(MigrationRunner.Migrations().Count, first.Count);
        Assert.Empty(second);
        await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)first.Count, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ApplyConcurrently_EachMigrationRunsOnce()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(servers, migrate: false);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => MigrationRunner.ApplyAsync(database.DataSource)));

        Assert.Equal(MigrationRunner.Migrations().Count, runs.Sum(r => r.Count));
    }
}
