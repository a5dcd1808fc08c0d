using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FeedProxy.Storage.Postgres;

/// <summary>
/// Keeps one dedicated connection in LISTEN feedproxy_events (raised by the schema's triggers
/// on every commit that changes an event, from any instance) and forwards each notification
/// to <see cref="PostgresEventStore"/>; the same connection listens on the channels of other
/// stores that keep rows in memory (<see cref="IPostgresNotificationChannel"/>). Reconnects with exponential backoff; each state change
/// (connected, lost) is logged once, not per retry.
/// </summary>
internal sealed partial class PostgresChangeListener : BackgroundService
{
    internal const string Channel = "feedproxy_events";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    // Without traffic a dead TCP connection goes unnoticed; a periodic round trip finds it.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;
    private readonly IPostgresNotificationChannel[] _channels;
    private readonly ILogger<PostgresChangeListener> _logger;
    private readonly TimeProvider _time;

    public PostgresChangeListener(NpgsqlDataSource dataSource, PostgresEventStore store, ILogger<PostgresChangeListener> logger)
        : this(dataSource, store, [], TimeProvider.System, logger)
    {
    }

    public PostgresChangeListener(NpgsqlDataSource dataSource, PostgresEventStore store, IEnumerable<IPostgresNotificationChannel> channels, TimeProvider time, ILogger<PostgresChangeListener> logger)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _channels = [.. channels ?? throw new ArgumentNullException(nameof(channels))];
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        var everConnected = false;
        var lostLogged = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
                foreach (var channel in _channels.Select(c => c.Channel).Prepend(Channel))
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                _store.OnListening();
                foreach (var channel in _channels)
                {
                    channel.OnListening();
                }

                LogListening(Channel);
                if (everConnected)
                {
                    await _store.ResynchroniseAsync(stoppingToken).ConfigureAwait(false);
                }

                everConnected = true;
                lostLogged = false;
                delay = FirstRetryDelay;
                while (true)
                {
                    if (!await connection.WaitAsync(PingInterval, stoppingToken).ConfigureAwait(false))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure means "reconnect"; the loop must outlive it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Lost();
                if (!lostLogged)
                {
                    LogLost(ex, Channel);
                    lostLogged = true;
                }
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }

        Lost();
    }

    private void Dispatch(string channel, string payload)
    {
        if (channel == Channel)
        {
            _store.OnNotification(payload);
            return;
        }

        foreach (var other in _channels)
        {
            if (other.Channel == channel)
            {
                other.OnNotification(payload);
            }
        }
    }

    private void Lost()
    {
        _store.OnListenerLost();
        foreach (var channel in _channels)
        {
            channel.OnListenerLost();
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Listening for schedule changes on {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Lost the {Channel} listener connection; reading every event from the database and retrying with backoff")]
    private partial void LogLost(Exception exception, string channel);
}
