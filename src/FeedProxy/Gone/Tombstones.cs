using System.Collections.Concurrent;
using FeedProxy.Collections;
using FeedProxy.Formats.Model;
using FeedProxy.Push;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;

namespace FeedProxy.Gone;

/// <summary>
/// Knows which public events and collections were deleted, so their feeds answer 410 Gone
/// (RFC 9110 section 15.5.11) for <see cref="PushOptions.GoneRetentionDays"/> and calendar
/// clients stop polling them. A deletion is seen however it happens (admin API, command line,
/// a file removed from the events folder, another instance): the store's change signal names
/// the event, and an event that was public and is now absent gets a tombstone. Only public
/// ones: a private or unpublished event answers exactly as a nonexistent one, before and
/// after deletion. A re-created id clears its tombstone. Other instances' tombstones are
/// read every <see cref="RefreshInterval"/>.
/// </summary>
internal sealed partial class Tombstones(
    IEventStore events, ICollectionStore collections, ITombstoneStore store, IOptions<FeedProxyOptions> options,
    TimeProvider time, ILogger<Tombstones> logger) : BackgroundService
{
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _gone = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _publicEvents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _publicCollections = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TimeSpan Retention => TimeSpan.FromDays(Math.Max(0, options.Value.Push.GoneRetentionDays));

    /// <summary>Completes once the first scan of events and collections is done.</summary>
    public Task Ready => _ready.Task;

    /// <summary>No tombstones: the common case, answered without looking at the path.</summary>
    public bool IsEmpty => _gone.IsEmpty;

    public bool IsGone(TopicKind kind, string id) =>
        _gone.TryGetValue(Key(kind, id), out var deleted) && deleted >= time.GetUtcNow() - Retention;

    /// <summary>A collection was deleted through the store (admin API or command line).</summary>
    public async Task CollectionDeletedAsync(CollectionSnapshot? before, CancellationToken cancellationToken)
    {
        if (before is not null && before.Definition.Visibility == EventVisibility.Public)
        {
            _publicCollections.TryRemove(before.Definition.Id, out _);
            await RecordAsync(TopicKind.Collection, before.Definition.Id, cancellationToken);
        }
    }

    /// <summary>A collection was created or replaced.</summary>
    public async Task CollectionStoredAsync(string id, EventVisibility visibility, CancellationToken cancellationToken)
    {
        if (visibility == EventVisibility.Public)
        {
            _publicCollections[id] = 0;
        }
        else
        {
            _publicCollections.TryRemove(id, out _);
        }

        await ClearAsync(TopicKind.Collection, id, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Changed += OnEventChanged;
        try
        {
            await LoadAsync(stoppingToken);
            foreach (var id in await events.ListAsync(stoppingToken))
            {
                await NoteEventAsync(id, stoppingToken);
            }

            foreach (var snapshot in await collections.ListAsync(stoppingToken))
            {
                if (snapshot.Definition.Visibility == EventVisibility.Public)
                {
                    _publicCollections[snapshot.Definition.Id] = 0;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex.GetType().Name, ex.Message);
        }
        finally
        {
            _ready.TrySetResult();
        }

        using var timer = new PeriodicTimer(RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await LoadAsync(stoppingToken);
                    await SweepCollectionsAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            events.Changed -= OnEventChanged;
        }
    }

    private void OnEventChanged(string eventId) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await NoteEventAsync(eventId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogFailed(ex.GetType().Name, ex.Message);
            }
        });

    private async Task NoteEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var snapshot = await events.GetAsync(eventId, cancellationToken);
        if (snapshot is null)
        {
            if (_publicEvents.TryRemove(eventId, out _))
            {
                await RecordAsync(TopicKind.Event, eventId, cancellationToken);
            }

            return;
        }

        if (snapshot.Event.Published && snapshot.Event.Visibility == EventVisibility.Public)
        {
            _publicEvents[eventId] = 0;
        }
        else
        {
            _publicEvents.TryRemove(eventId, out _);
        }

        await ClearAsync(TopicKind.Event, eventId, cancellationToken);
    }

    // Collection files removed from the folder are noticed here (the store has no change signal).
    private async Task SweepCollectionsAsync(CancellationToken cancellationToken)
    {
        var present = (await collections.ListAsync(cancellationToken)).ToDictionary(s => s.Definition.Id, StringComparer.Ordinal);
        foreach (var id in _publicCollections.Keys)
        {
            if (!present.ContainsKey(id) && _publicCollections.TryRemove(id, out _))
            {
                await RecordAsync(TopicKind.Collection, id, cancellationToken);
            }
        }

        foreach (var (id, snapshot) in present)
        {
            if (snapshot.Definition.Visibility == EventVisibility.Public && _publicCollections.TryAdd(id, 0))
            {
                await ClearAsync(TopicKind.Collection, id, cancellationToken);
            }
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - Retention;
        var stored = await store.ListAsync(since, cancellationToken);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tombstone in stored)
        {
            var key = Key(tombstone.Kind, tombstone.Id);
            keys.Add(key);
            _gone[key] = tombstone.DeletedAt;
        }

        foreach (var key in _gone.Keys)
        {
            if (!keys.Contains(key))
            {
                _gone.TryRemove(key, out _);
            }
        }
    }

    private async Task RecordAsync(TopicKind kind, string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _gone[Key(kind, id)] = now;
        await store.RecordAsync(new Tombstone(kind, id, now), cancellationToken);
        LogRecorded(kind, id);
    }

    private async Task ClearAsync(TopicKind kind, string id, CancellationToken cancellationToken)
    {
        // Always asked of the store: another instance may have recorded it since the last read.
        _gone.TryRemove(Key(kind, id), out _);
        await store.ClearAsync(kind, id, cancellationToken);
    }

    private static string Key(TopicKind kind, string id) => (kind == TopicKind.Collection ? "c:" : "e:") + id;

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "The {Kind} {Id} was deleted; its feeds answer 410 Gone")]
    private partial void LogRecorded(TopicKind kind, string id);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Keeping deleted feeds up to date failed ({ErrorType}: {Message}); retrying")]
    private partial void LogFailed(string errorType, string message);
}
