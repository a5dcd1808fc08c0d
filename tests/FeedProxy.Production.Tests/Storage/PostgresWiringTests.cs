using FeedProxy.Caching;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Storage;
using FeedProxy.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using FeedProxy.Testing;

namespace FeedProxy.Production.Tests.Storage;

[Collection(UsesServers.Name)]
public sealed class PostgresWiringTests(ServersFixture servers)
{
    [Fact]
    public async Task Host_WithExtensions_MigratesOnStartAndServesStoreAndCache()
    {
        var connectionString = await servers.Postgres.CreateDatabaseAsync(); // empty: the host must migrate it
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPostgresEventStore(connectionString);
        builder.Services.AddRedisFeedCache(servers.Redis.ConnectionString, configure: o => o.KeyPrefix = $"wiring:{Guid.NewGuid():N}:");
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IEventStore>();
            var writer = host.Services.GetRequiredService<PostgresEventWriter>();
            var cache = host.Services.GetRequiredService<IFeedCacheStore>();
            Assert.IsType<TwoLevelFeedCacheStore>(cache);

            var version = await writer.UpsertEventAsync(SampleEvents.Create("conf"));
            Assert.Equal(version, (await store.GetAsync("conf", default))!.Version);
            await cache.SetAsync("conf/" + version, [1], ["conf"], TimeSpan.FromMinutes(1), default);
            Assert.Equal([1], await cache.GetAsync("conf/" + version, default));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Listener_ConnectionKilled_ReconnectsAndReportsEverythingChanged()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);
        var resynced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += id => resynced.TrySetResult();

        await using (var kill = db.DataSource.CreateCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"))
        {
            Assert.Equal(true, await kill.ExecuteScalarAsync());
        }

        await resynced.Task.WaitAsync(Eventually.Deadline); // raised for every event after reconnecting
        // The first Changed may still be the upsert's own notification: wait for the new LISTEN.
        Assert.True(await Eventually.TrueAsync(() => store.IsListening));

        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += id => changed.TrySetResult();
        await db.Writer.UpsertSessionAsync("conf", ev.Sessions[0] with { Title = "After reconnect" });
        await changed.Task.WaitAsync(Eventually.Deadline);
        Assert.Equal("After reconnect", (await store.GetAsync("conf", default))!.Event.Sessions[0].Title);
    }

    [Fact]
    public async Task Invalidate_NextReadSeesCommittedWriteImmediately()
    {
        await using var db = await PostgresTestDatabase.CreateAsync(servers);
        var store = await db.StartStoreAsync();
        var ev = SampleEvents.Create("conf");
        await db.Writer.UpsertEventAsync(ev);
        await store.GetAsync("conf", default);

        var version = await db.Writer.UpsertEventAsync(ev with { Name = "New name" });
        store.Invalidate("conf");

        Assert.Equal(version, (await store.GetAsync("conf", default))!.Version);
    }

    [Fact]
    public async Task Store_DatabaseUnreachable_ThrowsNpgsqlException()
    {
        // Reads surface database outages to the caller (the host maps them to 503); they never hang.
        var builder = new NpgsqlConnectionStringBuilder(servers.Postgres.ConnectionString()) { Port = ExternalProcess.FreePort(), Timeout = 2 };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var store = new PostgresEventStore(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresEventStore>.Instance);

        await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await store.GetAsync("conf", default));
    }
}
