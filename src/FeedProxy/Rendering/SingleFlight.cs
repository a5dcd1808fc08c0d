using System.Collections.Concurrent;

namespace FeedProxy.Rendering;

/// <summary>
/// Request coalescing (as ASP.NET Core output caching does for concurrent misses): callers
/// asking for the same key while its work runs share that one run instead of starting their
/// own. The work runs with no caller's cancellation token, because a caller that gives up
/// must not end it for the others; each caller stops waiting on its own token. A key is
/// present only while its work runs, so nothing here grows with the number of distinct keys
/// ever asked for. Thread-safe.
/// </summary>
/// <typeparam name="TKey">What identifies one piece of work (a cache key, an event and generation).</typeparam>
/// <typeparam name="TResult">What the work produces; shared by every caller that joined.</typeparam>
internal sealed class SingleFlight<TKey, TResult>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Task<TResult>> _running;

    public SingleFlight(IEqualityComparer<TKey>? comparer = null) =>
        _running = new ConcurrentDictionary<TKey, Task<TResult>>(comparer);

    /// <summary>Runs under way now.</summary>
    public int Count => _running.Count;

    /// <summary>
    /// True while work for <paramref name="key"/> runs: a caller arriving now would join it.
    /// Lets a caller decide what only the one who starts work should do (spend a budget)
    /// before calling <see cref="RunAsync{TState}"/>.
    /// </summary>
    public bool IsRunning(TKey key) => _running.ContainsKey(key);

    /// <summary>
    /// Joins the run for <paramref name="key"/>, or starts <paramref name="start"/> when none
    /// runs. <paramref name="state"/> carries what the work needs, so no closure is made per call.
    /// An exception thrown by the work reaches every caller that joined it.
    /// </summary>
    public Task<TResult> RunAsync<TState>(TKey key, TState state, Func<TKey, TState, Task<TResult>> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        while (true)
        {
            if (_running.TryGetValue(key, out var running))
            {
                return Wait(running, cancellationToken);
            }

            var owned = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running.TryAdd(key, owned.Task))
            {
                _ = RunOwnedAsync(key, owned, state, start);
                return Wait(owned.Task, cancellationToken);
            }
        }
    }

    private async Task RunOwnedAsync<TState>(TKey key, TaskCompletionSource<TResult> owned, TState state, Func<TKey, TState, Task<TResult>> start)
    {
        TResult result;
        try
        {
            result = await start(key, state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Leaves the map before anyone sees the outcome: whoever comes next starts afresh.
            _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, owned.Task));
            owned.TrySetException(ex);
            return;
        }

        _running.TryRemove(new KeyValuePair<TKey, Task<TResult>>(key, owned.Task));
        owned.TrySetResult(result);
    }

    private static Task<TResult> Wait(Task<TResult> task, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && !task.IsCompleted ? task.WaitAsync(cancellationToken) : task;
}
