using Npgsql;

namespace FeedProxy.Private;

/// <summary>
/// Private-event tokens in the events table (PostgreSQL mode), stored hashed
/// (<see cref="AccessTokens.Hash"/>). Every read asks the database, so a rotation through any
/// instance takes effect on all of them at once.
/// </summary>
internal sealed class PostgresAccessTokenStore(NpgsqlDataSource dataSource) : IAccessTokenStore
{
    /// <summary>The stored hash (or a plain token from before hashing).</summary>
    public async ValueTask<string?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT private_token FROM events WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async ValueTask<string> RotateAsync(string eventId, CancellationToken cancellationToken)
    {
        var token = AccessTokens.NewToken();
        await using var command = dataSource.CreateCommand("UPDATE events SET private_token = $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AccessTokens.Hash(token) });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new KeyNotFoundException($"No event '{eventId}'.");
        }

        return token;
    }
}
