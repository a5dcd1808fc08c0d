using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// A PostgreSQL and a Redis of one test's own (scenarios stop, kill and restart them), one
/// database on the former, and the application instances on both, disposed in reverse order.
/// The two servers start at the same time.
/// </summary>
public sealed class ScenarioServers : IAsyncDisposable
{
    private readonly List<AppInstance> _instances = [];

    private ScenarioServers(PostgresServer postgres, RedisServer redis, string database)
    {
        Postgres = postgres;
        Redis = redis;
        Database = database;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    /// <summary>The one clock of every instance of this scenario; time passes when a test advances it.</summary>
    public DrivenClock Clock { get; } = new();

    /// <summary>Connection string of the database; the first instance migrates it.</summary>
    public string Database { get; }

    public static async Task<ScenarioServers> StartAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        await Task.WhenAll(postgres, redis);
        return new ScenarioServers(await postgres, await redis, await (await postgres).CreateDatabaseAsync());
    }

    /// <summary>A new instance on the shared database and Redis (not started until first used).</summary>
    public AppInstance Instance()
    {
        var instance = new AppInstance(Database, Redis.ConnectionString, Clock);
        _instances.Add(instance);
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
