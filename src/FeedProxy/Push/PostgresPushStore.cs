using Npgsql;

namespace FeedProxy.Push;

/// <summary>
/// The push tables of migration 0012. Due deliveries are claimed with FOR UPDATE SKIP LOCKED
/// and a lease: two instances never take the same row, and a row held by an instance that
/// died is taken again once its lease ends (at-least-once).
/// </summary>
internal sealed class PostgresPushStore(NpgsqlDataSource dataSource) : IPushStore
{
    private const string WebhookColumns = "id, url, events, collections, secret, created_at, last_attempt, last_success, last_error, failures";
    private const string SubscriptionColumns = "id, topic, topic_kind, topic_id, callback, secret, expires_at, created_at";
    private const string DeliveryColumns = "id, target_kind, target_id, dedup_key, message_id, payload, attempts, next_attempt_at";

    public async Task<bool> PutWebhookAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO push_webhooks (id, url, events, collections, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, events = EXCLUDED.events, collections = EXCLUDED.collections, secret = EXCLUDED.secret
            RETURNING (xmax = 0)
            """);
        Add(command, webhook.Id);
        Add(command, webhook.Url.AbsoluteUri);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. webhook.Events] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. webhook.Collections] });
        Add(command, webhook.Secret);
        Add(command, webhook.CreatedAt);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<Webhook?> GetWebhookAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {WebhookColumns} FROM push_webhooks WHERE id = $1");
        Add(command, id);
        var found = await ReadWebhooksAsync(command, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public async Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {WebhookColumns} FROM push_webhooks ORDER BY id");
        return await ReadWebhooksAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH gone AS (DELETE FROM push_webhooks WHERE id = $1 RETURNING id),
                 queued AS (DELETE FROM push_deliveries WHERE target_kind = 'webhook' AND target_id IN (SELECT id FROM gone))
            SELECT count(*) FROM gone
            """);
        Add(command, id);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    public async Task RecordWebhookResultAsync(string id, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(error is null
            ? "UPDATE push_webhooks SET last_attempt = $2, last_success = $2 WHERE id = $1"
            : "UPDATE push_webhooks SET last_attempt = $2, last_error = $3, failures = failures + 1 WHERE id = $1");
        Add(command, id);
        Add(command, at);
        if (error is not null)
        {
            Add(command, error);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Subscription> PutSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO push_subscriptions (topic, topic_kind, topic_id, callback, callback_host, secret, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (topic, callback) DO UPDATE SET secret = EXCLUDED.secret, expires_at = EXCLUDED.expires_at
            RETURNING {SubscriptionColumns}
            """);
        Add(command, subscription.Topic.AbsoluteUri);
        Add(command, subscription.Target.KindName);
        Add(command, subscription.Target.Id);
        Add(command, subscription.Callback.AbsoluteUri);
        Add(command, subscription.Callback.IdnHost);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = subscription.Secret, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        Add(command, subscription.ExpiresAt);
        Add(command, subscription.CreatedAt);
        return (await ReadSubscriptionsAsync(command, cancellationToken))[0];
    }

    public async Task<bool> DeleteSubscriptionAsync(Uri topic, Uri callback, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM push_subscriptions WHERE topic = $1 AND callback = $2");
        Add(command, topic.AbsoluteUri);
        Add(command, callback.AbsoluteUri);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<Subscription?> GetSubscriptionAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SubscriptionColumns} FROM push_subscriptions WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        var found = await ReadSubscriptionsAsync(command, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public async Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(TopicKind kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SubscriptionColumns} FROM push_subscriptions WHERE topic_kind = $1 AND topic_id = $2 AND expires_at > $3");
        Add(command, kind == TopicKind.Event ? "event" : "collection");
        Add(command, id);
        Add(command, now);
        return await ReadSubscriptionsAsync(command, cancellationToken);
    }

    public async Task<(int Total, int ForHost)> CountSubscriptionsAsync(string callbackHost, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH expired AS (DELETE FROM push_subscriptions WHERE expires_at <= $2)
            SELECT count(*), count(*) FILTER (WHERE callback_host = $1) FROM push_subscriptions WHERE expires_at > $2
            """);
        Add(command, callbackHost);
        Add(command, now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    public async Task<bool> EnqueueAsync(Delivery delivery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO push_deliveries (target_kind, target_id, dedup_key, message_id, payload, next_attempt_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (target_kind, target_id, dedup_key) DO NOTHING
            """);
        Add(command, KindName(delivery.Kind));
        Add(command, delivery.TargetId);
        Add(command, delivery.DedupKey);
        Add(command, delivery.MessageId);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = delivery.Payload, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        Add(command, delivery.NextAttemptAt);
        Add(command, now);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<Delivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: rows another instance is claiming right now are passed over, not waited for.
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE push_deliveries SET lease_until = $2
            WHERE id IN (
                SELECT id FROM push_deliveries
                WHERE state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                ORDER BY next_attempt_at, id
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            RETURNING {DeliveryColumns}
            """);
        Add(command, now);
        Add(command, leaseUntil);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Delivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Delivery(
                reader.GetInt64(0),
                reader.GetString(1) == "websub" ? TargetKind.WebSub : TargetKind.Webhook,
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt32(6),
                At(reader, 7)));
        }

        return list;
    }

    public async Task CompleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE push_deliveries SET state = 'delivered', attempts = attempts + 1, lease_until = NULL, last_error = NULL WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RetryAsync(long id, int attempts, DateTimeOffset? next, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(next is null
            ? "UPDATE push_deliveries SET state = 'failed', attempts = $2, lease_until = NULL, last_error = $3 WHERE id = $1"
            : "UPDATE push_deliveries SET attempts = $2, lease_until = NULL, last_error = $3, next_attempt_at = $4 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = attempts });
        Add(command, error);
        if (next is { } at)
        {
            Add(command, at);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<QueueCounts> CountAsync(string? webhookId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state = 'failed')
            FROM push_deliveries WHERE $1::text IS NULL OR (target_kind = 'webhook' AND target_id = $1)
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = webhookId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new QueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM push_deliveries WHERE state <> 'pending' AND created_at < $1");
        Add(command, before);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string KindName(TargetKind kind) => kind == TargetKind.WebSub ? "websub" : "webhook";

    private static void Add(NpgsqlCommand command, string value) => command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });

    private static void Add(NpgsqlCommand command, DateTimeOffset value) => command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = value.UtcDateTime });

    private static DateTimeOffset At(NpgsqlDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal), TimeSpan.Zero);

    private static DateTimeOffset? OptionalAt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : At(reader, ordinal);

    private static async Task<IReadOnlyList<Webhook>> ReadWebhooksAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Webhook>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Webhook(reader.GetString(0), new Uri(reader.GetString(1)), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3), reader.GetString(4), At(reader, 5))
            {
                LastAttempt = OptionalAt(reader, 6),
                LastSuccess = OptionalAt(reader, 7),
                LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
                Failures = reader.GetInt32(9),
            });
        }

        return list;
    }

    private static async Task<List<Subscription>> ReadSubscriptionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<Subscription>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var topic = new Uri(reader.GetString(1));
            var kind = reader.GetString(2) == "collection" ? TopicKind.Collection : TopicKind.Event;
            var target = Push.Topic.TryParsePath(TopicPath(topic), out var parsed) && parsed!.Kind == kind ? parsed : new Topic(kind, reader.GetString(3), Formats.Feeds.FeedFormat.ICalendar, false);
            list.Add(new Subscription(reader.GetInt64(0), topic, target, new Uri(reader.GetString(4)), reader.IsDBNull(5) ? null : reader.GetString(5), At(reader, 6), At(reader, 7)));
        }

        return list;
    }

    /// <summary>The feed path of a stored topic URL (whatever base path the server has).</summary>
    internal static string TopicPath(Uri topic)
    {
        var path = topic.AbsolutePath;
        var at = Math.Max(path.LastIndexOf("/events/", StringComparison.Ordinal), path.LastIndexOf("/collections/", StringComparison.Ordinal));
        return at < 0 ? path : path[at..];
    }
}
