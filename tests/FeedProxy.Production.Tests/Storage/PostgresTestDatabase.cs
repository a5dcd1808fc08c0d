using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Storage.Postgres;
using FeedProxy.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FeedProxy.Production.Tests.Storage;

/// <summary>A fresh migrated database per test, with as many store instances on it as a test wants.</summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<PostgresChangeListener> _listeners = [];

    private PostgresTestDatabase(string connectionString, NpgsqlDataSource dataSource)
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
        Writer = new PostgresEventWriter(dataSource);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public PostgresEventWriter Writer { get; }

    public static async Task<PostgresTestDatabase> CreateAsync(ServersFixture servers, bool migrate = true)
    {
        var connectionString = await servers.Postgres.CreateDatabaseAsync();
        var database = new PostgresTestDatabase(connectionString, NpgsqlDataSource.Create(connectionString));
        database._owned.Add(database.DataSource);
        if (migrate)
        {
            await MigrationRunner.ApplyAsync(database.DataSource);
        }

        return database;
    }

    /// <summary>A store as another instance would have it: own data source, own listener, started and listening.</summary>
    public async Task<PostgresEventStore> StartStoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(ConnectionString);
        _owned.Add(dataSource);
        var store = new PostgresEventStore(dataSource, NullLogger<PostgresEventStore>.Instance);
        var listener = new PostgresChangeListener(dataSource, store, NullLogger<PostgresChangeListener>.Instance);
        _listeners.Add(listener);
        await listener.StartAsync(CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => store.IsListening), "the store never listened for changes");

        return store;
    }

    /// <summary>A listener a test started itself, stopped with the database.</summary>
    public void Own(PostgresChangeListener listener) => _listeners.Add(listener);

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.StopAsync(CancellationToken.None);
            listener.Dispose();
        }

        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }
}
