using Npgsql;

namespace FeedProxy.Production.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster in a temporary folder: trust authentication, TCP on
/// 127.0.0.1 at a free port, its Unix socket inside the folder, durability off (tests only).
/// As root the binaries run as the postgres OS user, which PostgreSQL requires.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string OsUser = "postgres";

    private readonly string _bin;
    private readonly DirectoryInfo _root;

    private PostgresServer(string bin, DirectoryInfo root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root.FullName, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("FEEDPROXY_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
        ExternalProcess.RequireFile(Path.Combine(bin, "initdb"));
        ExternalProcess.RequireFile(Path.Combine(bin, "pg_ctl"));

        var root = Directory.CreateTempSubdirectory("feedproxy-pg-");
        var server = new PostgresServer(bin, root, ExternalProcess.FreePort());
        if (ExternalProcess.IsRoot)
        {
            await ExternalProcess.RunAsync("chown", ["-R", OsUser, root.FullName]);
        }

        await ExternalProcess.RunAsync(
            Path.Combine(bin, "initdb"),
            ["-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
            OsUser);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the (stopped) cluster on its port.</summary>
    public Task StartAgainAsync() =>
        ExternalProcess.RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            [
                "-D", DataDirectory, "-l", Path.Combine(_root.FullName, "postgres.log"), "-w", "-t", "60",
                "-o", $"-p {Port} -k {_root.FullName} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                "start",
            ],
            OsUser);

    /// <summary>Stops the cluster at once (clients see their connections dropped).</summary>
    public Task StopAsync() =>
        ExternalProcess.RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], OsUser);

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            Timeout = 5,
        }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString());
        await using var command = dataSource.CreateCommand($"CREATE DATABASE {name}");
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await ExternalProcess.RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], OsUser);
        }
        finally
        {
            _root.Delete(recursive: true);
        }
    }
}
