using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
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

    /// <summary>
    /// Longest life of an entry and of a tag's eviction mark; longer lifetimes are shortened
    /// to this, so an eviction mark always outlives the entries it invalidates.
    /// </summary>
    public TimeSpan MaxEntryLifetime { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// <see cref="IFeedCacheStore"/> on Redis through <see cref="IDistributedCache"/>
/// (Microsoft.Extensions.Caching.StackExchangeRedis), shared by all instances. What the
/// interface lacks is added here: tags and the circuit breaker.
/// <para>
/// Tags are generations: evicting a tag stores a new random generation under the tag's key,
/// and each entry carries the generation of each of its tags as they were when it was
/// written, so an entry whose generations differ from the current ones is a miss. Eviction
/// is one write, whatever the number of entries; a read costs one round trip per tag more.
/// </para>
/// <para>
/// The cache is an optimisation, never a dependency: when Redis is unreachable, slow or
/// failing, every operation returns a miss or does nothing within
/// <see cref="RedisFeedCacheOptions.OperationTimeout"/>, Redis is then skipped for
/// <see cref="RedisFeedCacheOptions.BreakDuration"/> (a circuit breaker), the outage and the
/// recovery are each logged once, and the multiplexer reconnects on its own
/// (AbortOnConnectFail=false). Thread-safe.
/// </para>
/// </summary>
public sealed partial class RedisFeedCacheStore : IFeedCacheStore, IDisposable
{
    private const byte EnvelopeFormat = 2;
    private const char TagSeparator = '\u001f';
    private const char GenerationSeparator = '\u001e';

    // RedisCache does not store an entry that expires within its one-second grace period, so
    // the key lives at least this long; the envelope's own expiry decides when it is stale.
    private static readonly TimeSpan MinimumKeyLifetime = TimeSpan.FromSeconds(2);

    private readonly RedisFeedCacheOptions _options;
    private readonly ConfigurationOptions _configuration;
    private readonly RedisCache _cache;
    private readonly ILogger<RedisFeedCacheStore> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private long _skipUntilTicks;
    private long _probes;
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
        _configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        // Seconds between keep-alive PINGs: finds a dead connection without waiting for traffic.
        _configuration.KeepAlive = 5;

        // The cache shares this store's multiplexer, so the breaker can see whether it is
        // connected before queueing a command behind a reconnect.
        _cache = new RedisCache(new RedisCacheOptions
        {
            InstanceName = options.KeyPrefix,
            ConnectionMultiplexerFactory = async () => await Connection().ConfigureAwait(false),
        });
    }

    /// <summary>
    /// Calls <paramref name="use"/> with the multiplexer once it is created (tracing
    /// instrumentation); starts connecting if nothing has yet.
    /// </summary>
    internal void OnConnected(Action<IConnectionMultiplexer> use) =>
        _ = Connection().ContinueWith(t => use(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>False while Redis is being skipped after a failure.</summary>
    public bool IsAvailable => Volatile.Read(ref _down) == 0;

    /// <summary>
    /// Operations that went to Redis while it was marked down, each one a probe of whether it is
    /// back (one per break window at most, whatever the traffic).
    /// </summary>
    internal long Probes => Interlocked.Read(ref _probes);

    /// <summary>
    /// Round trip to Redis under the breaker (readiness probes). True when Redis answered;
    /// a success also ends an outage, so health reflects recovery without feed traffic.
    /// </summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken) =>
        await RunAsync(async multiplexer =>
        {
            await multiplexer.GetDatabase().PingAsync().ConfigureAwait(false);
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
        return await RunAsync(async _ =>
        {
            var envelope = Unwrap(await _cache.GetAsync(EntryKey(key), cancellationToken).ConfigureAwait(false));
            if (envelope is null || envelope.Entry.Expires <= _time.GetUtcNow())
            {
                return null;
            }

            for (var i = 0; i < envelope.Entry.Tags.Length; i++)
            {
                if (!string.Equals(await GenerationAsync(envelope.Entry.Tags[i], cancellationToken).ConfigureAwait(false), envelope.Generations[i], StringComparison.Ordinal))
                {
                    return null;
                }
            }

            return envelope.Entry;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SetAsync(string key, byte[] value, string[] tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(tags);
        if (validFor > _options.MaxEntryLifetime)
        {
            validFor = _options.MaxEntryLifetime;
        }

        if (validFor <= TimeSpan.Zero)
        {
            return;
        }

        await RunAsync(async _ =>
        {
            // Generations are read before the write: an eviction in between leaves this entry
            // with an old generation, a miss, never a stale hit.
            var generations = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                generations[i] = await GenerationAsync(tags[i], cancellationToken).ConfigureAwait(false);
            }

            var envelope = Wrap(value, tags, generations, _time.GetUtcNow() + validFor);
            var keyLifetime = validFor < MinimumKeyLifetime ? MinimumKeyLifetime : validFor;
            await _cache.SetAsync(EntryKey(key), envelope, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = keyLifetime }, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        await RunAsync(async _ =>
        {
            var generation = Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            await _cache.SetAsync(TagKey(tag), generation, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _options.MaxEntryLifetime }, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
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

        _cache.Dispose();
        if (connecting is { IsCompletedSuccessfully: true })
        {
            connecting.Result.Dispose();
        }
        else
        {
            connecting?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    /// <summary>The tag's current generation; "" when it was never evicted (or its mark expired with its entries).</summary>
    private async Task<string> GenerationAsync(string tag, CancellationToken cancellationToken)
    {
        var stored = await _cache.GetAsync(TagKey(tag), cancellationToken).ConfigureAwait(false);
        return stored is null ? string.Empty : Encoding.ASCII.GetString(stored);
    }

    /// <summary>Runs Redis operations under the breaker and the timeout; default(T) when skipped or failed.</summary>
    private async ValueTask<T?> RunAsync<T>(Func<ConnectionMultiplexer, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _skipUntilTicks))
        {
            return default;
        }

        if (Volatile.Read(ref _down) == 1)
        {
            Interlocked.Increment(ref _probes);
        }

        try
        {
            var multiplexer = await Connection().WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (!multiplexer.IsConnected)
            {
                // The multiplexer keeps reconnecting in the background; do not queue behind it.
                Trip(null);
                return default;
            }

            var result = await operation(multiplexer).WaitAsync(_options.OperationTimeout, _time, cancellationToken).ConfigureAwait(false);
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

    // Keys under RedisCacheOptions.InstanceName (the configured prefix).
    private static string EntryKey(string key) => "e:" + key;

    private static string TagKey(string tag) => "t:" + tag;

    // Envelope: format byte, expiry (Unix ms, big-endian), header length, header (UTF-8: each
    // tag with the generation it had when written, unit-separated), value. Tags and expiry
    // travel with the value so a second-level hit can fill the first level with the same
    // tags and lifetime.
    private static byte[] Wrap(byte[] value, string[] tags, string[] generations, DateTimeOffset expires)
    {
        var header = Encoding.UTF8.GetBytes(string.Join(TagSeparator, tags.Select((tag, i) => tag + GenerationSeparator + generations[i])));
        var envelope = new byte[1 + 8 + 4 + header.Length + value.Length];
        envelope[0] = EnvelopeFormat;
        BinaryPrimitives.WriteInt64BigEndian(envelope.AsSpan(1), expires.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(9), header.Length);
        header.CopyTo(envelope, 13);
        value.CopyTo(envelope, 13 + header.Length);
        return envelope;
    }

    private static Envelope? Unwrap(byte[]? envelope)
    {
        if (envelope is null || envelope.Length < 13 || envelope[0] != EnvelopeFormat)
        {
            return null;
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(envelope.AsSpan(1)));
        var headerLength = BinaryPrimitives.ReadInt32BigEndian(envelope.AsSpan(9));
        if (headerLength < 0 || 13 + headerLength > envelope.Length)
        {
            return null;
        }

        var header = Encoding.UTF8.GetString(envelope, 13, headerLength);
        var pairs = header.Length == 0 ? [] : header.Split(TagSeparator);
        var tags = new string[pairs.Length];
        var generations = new string[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            var separator = pairs[i].LastIndexOf(GenerationSeparator);
            if (separator < 0)
            {
                return null;
            }

            tags[i] = pairs[i][..separator];
            generations[i] = pairs[i][(separator + 1)..];
        }

        return new Envelope(new RedisCacheEntry(envelope.AsSpan(13 + headerLength).ToArray(), tags, expires), generations);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Redis feed cache unavailable; serving without it and retrying every {Seconds} s")]
    private partial void LogUnavailable(Exception? exception, double seconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Redis feed cache available again")]
    private partial void LogRecovered();

    private sealed record Envelope(RedisCacheEntry Entry, string[] Generations);
}

/// <summary>A Redis entry as stored: value, tags and absolute expiry.</summary>
internal sealed record RedisCacheEntry(byte[] Value, string[] Tags, DateTimeOffset Expires);
