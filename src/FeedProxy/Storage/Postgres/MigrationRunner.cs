using System.Reflection;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// Applies the embedded schema migrations (Storage/Migrations/NNNN_name.sql) that a database
/// has not seen yet, in name order, inside one transaction under an advisory lock, so that
/// several instances starting at once apply each migration exactly once. Idempotent.
/// </summary>
public static class MigrationRunner
{
    private const string ResourcePrefix = "FeedProxy.Storage.Migrations.";

    // Arbitrary constant shared by every instance: pg_advisory_xact_lock serialises runners
    // and is released with the transaction, also when the process dies.
    private const long LockKey = 0x46656564_50726F78; // "FeedProx"

    /// <summary>Applies pending migrations and returns the names of those applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            transaction,
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var done = new List<string>();
        foreach (var migration in Migrations())
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            done.Add(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return done;
    }

    internal sealed record Migration(int Version, string Name, string Sql);

    /// <summary>The embedded migrations in version order.</summary>
    internal static IReadOnlyList<Migration> Migrations()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{name}' must be named NNNN_description.sql.");
            }

            list.Add(new Migration(version, name, Read(assembly, resource)));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Version == list[i - 1].Version)
            {
                throw new InvalidOperationException($"Migrations '{list[i - 1].Name}' and '{list[i].Name}' share a version.");
            }
        }

        return list;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
