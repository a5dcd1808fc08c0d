using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL schedule store: a singleton <see cref="NpgsqlDataSource"/>,
    /// <see cref="PostgresEventStore"/> (also as <see cref="IEventStore"/>),
    /// <see cref="PostgresEventWriter"/>, a hosted service that applies pending migrations
    /// before the host starts serving (unless <paramref name="applyMigrations"/> is false) and
    /// the <see cref="PostgresChangeListener"/> that keeps reads fresh across instances.
    /// </summary>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, string connectionString, bool applyMigrations = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        services.TryAddSingleton(_ => NpgsqlDataSource.Create(WithAutoPrepare(connectionString)));
        services.TryAddSingleton<PostgresEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<PostgresEventWriter>();
        if (applyMigrations)
        {
            // Registered before the listener: hosted services start in registration order,
            // and LISTEN on a database without the triggers would hear nothing.
            services.AddHostedService<PostgresMigrationService>();
        }

        services.AddHostedService<PostgresChangeListener>();
        return services;
    }

    /// <summary>
    /// Turns on Npgsql's automatic preparation unless the connection string sets it: the read
    /// path sends the same few statements all day (the event load batch, the version lookup),
    /// and a prepared statement skips the server's parse and plan and Npgsql's row
    /// description handling on every use after the fifth. Set "Max Auto Prepare=0" for a
    /// pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        return builder.ConnectionString;
    }
}

/// <summary>Applies pending schema migrations while the host starts.</summary>
internal sealed partial class PostgresMigrationService(NpgsqlDataSource dataSource, Microsoft.Extensions.Logging.ILogger<PostgresMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await MigrationRunner.ApplyAsync(dataSource, cancellationToken).ConfigureAwait(false);
        foreach (var name in applied)
        {
            LogApplied(name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 2003, Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Applied schema migration {Name}")]
    private partial void LogApplied(string name);
}
