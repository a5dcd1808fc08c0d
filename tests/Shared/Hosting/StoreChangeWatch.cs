using System.Diagnostics;
using FeedProxy.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Testing;

/// <summary>
/// Times how long an application's schedule store takes to report an event as changed
/// (<see cref="IEventStore.Changed"/>: from then on every reader sees the new version). Tests
/// that hold a latency bound measure it with this, from the write to the product's own signal,
/// so the requests the test makes to notice the change (renders on a loaded machine) do not
/// count against the bound. Compiled into the test projects that host the application.
/// </summary>
internal sealed class StoreChangeWatch : IDisposable
{
    private readonly IEventStore _store;
    private readonly string _eventId;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly TaskCompletionSource<TimeSpan> _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StoreChangeWatch(IEventStore store, string eventId)
    {
        _store = store;
        _eventId = eventId;
        store.Changed += OnChanged;
    }

    /// <summary>Starts the clock now and waits for the first change of <paramref name="eventId"/> in the application's store.</summary>
    public static StoreChangeWatch Start(IServiceProvider services, string eventId) =>
        new(services.GetRequiredService<IEventStore>(), eventId);

    /// <summary>Whether the store has reported the event as changed since <see cref="Start"/>.</summary>
    public bool Seen => _changed.Task.IsCompleted;

    /// <summary>Time from <see cref="Start"/> to the store's first change of the event; fails the test when none comes.</summary>
    public async Task<TimeSpan> ElapsedAsync()
    {
        try
        {
            return await _changed.Task.WaitAsync(Eventually.Deadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The store never reported '{_eventId}' as changed.");
            throw;
        }
    }

    private void OnChanged(string eventId)
    {
        if (string.Equals(eventId, _eventId, StringComparison.Ordinal))
        {
            _changed.TrySetResult(_watch.Elapsed);
        }
    }

    public void Dispose() => _store.Changed -= OnChanged;
}
