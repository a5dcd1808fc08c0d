using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeedProxy.Caching;

/// <summary>Settings of <see cref="RedisFeedCacheStore"/>.</summary>
public sealed class RedisFeedCacheOptions
{
    /// <summary>StackExchange.Redis configuration string, e.g. "localhost:6379".</summary>
    public string ConnectionString { get; set; } = "localhost:6379";

    /// <summary>Prefix of every key, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "feedproxy:";

    /// <summary>Connect timeout; short because a cache that is slow to reach is worse than none.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Upper bound of any one operation before it counts as a failure.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>After a failure, Redis is skipped (miss / no-op) for this long.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// <see cref="IFeedCacheStore"/> on Redis, shared by all instances. Each entry is a string with
/// an expiry; each tag is a set of entry keys (evicting a tag deletes its members and itself).
/// The cache is an optimisation, never a dependency: when Redis is unreachable, slow or
/// failing, every operation returns a miss or does nothing within
/// <see cref="RedisFeedCacheOptions.OperationTimeout"/>, Redis is then skipped for
/// <see cref="RedisFeedCacheOptions.BreakDuration"/> (a circuit breaker), the outage and the
/// recovery are each logged once, and the multiplexer reconnects on its own
/// (AbortOnConnectFail=false). This is the only file that uses the StackExchange.Redis API.
/// Thread-safe.
/// </summary>
public sealed partial class RedisFeedCacheStore : IFeedCacheStore, IDisposable
{
    // SET the entry, add it to each tag set and make each tag set live at least as long.
    private const string SetScript = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        for i = 2, #KEYS do
            redis.call('SADD', KEYS[i], KEYS[1])
            if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then
                redis.call('PEXPIRE', KEYS[i], ARGV[2])
            end
        end
        return 1
        """;

    // Atomic, so an entry added to the tag while evicting is not left behind unlisted.
    // DEL in slices: unpack() of a very large table exceeds Lua's stack.
    private const string EvictScript = """
        local keys = redis.call('SMEMBERS', KEYS[1])
        for i = 1, #keys, 500 do
            redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
        end
        redis.call('DEL', KEYS[1])
        return #keys
        """;

    private const byte EnvelopeFormat = 1;
    private const char TagSeparator = '\u001f';

    private readonly RedisFeedCacheOptions _options;
    private readonly ConfigurationOptions _configuration;
    private readonly ILogger<RedisFeedCacheStore> _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private long _skipUntilTicks;
    private int _down;
    private bool _disposed;

    public RedisFeedCacheStore(RedisFeedCacheOptions options, ILogger<RedisFeedCacheStore> logger, TimeProvider? timeProvider = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = timeProvider ?? TimeProvider.System;
        _configuration = ConfigurationOptions.Parse(options.ConnectionString);
        _configuration.AbortOnConnectFail = false;
        _configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        _configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        // Seconds between keep-alive PINGs: finds a dead connection without waiting for traffic.
        _configuration.KeepAlive = 5;
    }

    /// <summary>False while Redis is being skipped after a failure.</summary>
    public bool IsAvailable => Volatile.Read(ref _down) == 0;

    /// <summary>
    /// Round trip to Redis under the breaker (readiness probes). True when Redis answered;
    /// a success also ends an outage, so health reflects recovery without feed traffic.
    /// </summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken) =>
        await RunAsync(async database =>
        {
            await database.PingAsync().ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var entry = await GetEntryAsync(key, cancellationToken).ConfigureAwait(false);
        return entry?.Value;
    }

    /// <summary>The entry with its tags and absolute expiry, or null on a miss or when Redis is unavailable.</summary>
    internal async ValueTask<RedisCacheEntry?> GetEntryAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var stored = await RunAsync(db => db.StringGetAsync(EntryKey(key)), cancellationToken).ConfigureAwait(false);
        return stored.HasValue ? Unwrap((byte[]?)stored) : null;
    }

    public async ValueTask SetAsync(string key, byte[] value, string[] tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(tags);
        var milliseconds = (long)validFor.TotalMilliseconds;
        if (milliseconds <= 0)
        {
            return;
        }

        var keys = new RedisKey[tags.Length + 1];
        keys[0] = EntryKey(key);
        for (var i = 0; i < tags.Length; i++)
        {
            keys[i + 1] = TagKey(tags[i]);
        }

        var envelope = Wrap(value, tags, _time.GetUtcNow() + validFor);
        await RunAsync(db => db.ScriptEvaluateAsync(SetScript, keys, [envelope, milliseconds]), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        await RunAsync(db => db.ScriptEvaluateAsync(EvictScript, [TagKey(tag)]), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_gate)
        {
            _disposed = true;
            connecting = _connecting;
            _connecting = null;
        }

        if (connecting is { IsCompletedSuccessfully: true })
        {
            connecting.Result.Dispose();
        }
        else
        {
            connecting?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    /// <summary>Runs one Redis operation under the breaker and the timeout; default(T) when skipped or failed.</summary>
    private async ValueTask<T?> RunAsync<T>(Func<IDatabase, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _skipUntilTicks))
        {
            return default;
        }

        try
        {
            var multiplexer = await Connection().WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            if (!multiplexer.IsConnected)
            {
                // The multiplexer keeps reconnecting in the background; do not queue behind it.
                Trip(null);
                return default;
            }

            var result = await operation(multiplexer.GetDatabase()).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _down, 0) == 1)
            {
                LogRecovered();
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any Redis failure degrades to a miss; the request must not fail.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Trip(ex);
            return default;
        }
    }

    private Task<ConnectionMultiplexer> Connection()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                // With AbortOnConnectFail=false this completes even when Redis is down, and the
                // multiplexer then reconnects by itself; a fault here is a configuration error.
                _connecting = ConnectionMultiplexer.ConnectAsync(_configuration);
            }

            return _connecting;
        }
    }

    private void Trip(Exception? exception)
    {
        Interlocked.Exchange(ref _skipUntilTicks, (_time.GetUtcNow() + _options.BreakDuration).UtcTicks);
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogUnavailable(exception, _options.BreakDuration.TotalSeconds);
        }
    }

    private RedisKey EntryKey(string key) => _options.KeyPrefix + "e:" + key;

    private RedisKey TagKey(string tag) => _options.KeyPrefix + "t:" + tag;

    // Envelope: format byte, expiry (Unix ms, big-endian), tag bytes length, tags (UTF-8,
    // unit-separated), value. Tags and expiry travel with the value so a second-level hit
    // can fill the first level with the same tags and lifetime.
    private static byte[] Wrap(byte[] value, string[] tags, DateTimeOffset expires)
    {
        var tagBytes = Encoding.UTF8.GetBytes(string.Join(TagSeparator, tags));
        var envelope = new byte[1 + 8 + 4 + tagBytes.Length + value.Length];
        envelope[0] = EnvelopeFormat;
        BinaryPrimitives.WriteInt64BigEndian(envelope.AsSpan(1), expires.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(9), tagBytes.Length);
        tagBytes.CopyTo(envelope, 13);
        value.CopyTo(envelope, 13 + tagBytes.Length);
        return envelope;
    }

    private static RedisCacheEntry? Unwrap(byte[]? envelope)
    {
        if (envelope is null || envelope.Length < 13 || envelope[0] != EnvelopeFormat)
        {
            return null;
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(envelope.AsSpan(1)));
        var tagLength = BinaryPrimitives.ReadInt32BigEndian(envelope.AsSpan(9));
        if (tagLength < 0 || 13 + tagLength > envelope.Length)
        {
            return null;
        }

        var tagText = Encoding.UTF8.GetString(envelope, 13, tagLength);
        string[] tags = tagText.Length == 0 ? [] : tagText.Split(TagSeparator);
        return new RedisCacheEntry(envelope.AsSpan(13 + tagLength).ToArray(), tags, expires);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Redis feed cache unavailable; serving without it and retrying every {Seconds} s")]
    private partial void LogUnavailable(Exception? exception, double seconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Redis feed cache available again")]
    private partial void LogRecovered();
}

/// <summary>A Redis entry as stored: value, tags and absolute expiry.</summary>
internal sealed record RedisCacheEntry(byte[] Value, string[] Tags, DateTimeOffset Expires);
