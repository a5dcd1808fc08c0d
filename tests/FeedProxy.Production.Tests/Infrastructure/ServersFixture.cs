namespace FeedProxy.Production.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster and one Redis for the whole test run, started here and torn down at the end.</summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private RedisServer? _redis;

    public PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("Not started.");

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        _postgres = await postgres;
        _redis = await redis;
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UsesServers : ICollectionFixture<ServersFixture>
{
    public const string Name = "Servers";
}
