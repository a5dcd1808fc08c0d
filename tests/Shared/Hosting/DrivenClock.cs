using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Testing;

/// <summary>
/// The fake clock of a test host that also says when the application arms a timer (a delay, a
/// timeout, a poll), so a test can move time on for work that waits on the clock several times
/// (an attempt timeout, then a retry delay, then a refresh's cap) at the pace of the work itself,
/// never at the pace of the wall clock: see <see cref="DriveAsync{T}"/>.
/// </summary>
public sealed class DrivenClock : FakeTimeProvider
{
    /// <summary>Only ends a run that hangs; a passing run never comes near it, however busy the machine.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    private readonly Lock _gate = new();
    private long _arms;
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DrivenClock()
        : base(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ArmedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            NoteArmed();
        }

        return timer;
    }

    /// <summary>
    /// Waits for <paramref name="task"/>, moving the clock on by <paramref name="step"/> each time
    /// the work can only be waiting on it (<see cref="UpstreamServer.QuietAsync"/>): no refresh is
    /// preparing a request, parsing or storing, and no request to the upstream is being sent or
    /// answered (one it holds on purpose, <see cref="UpstreamFault.Timeout"/> or a slow drip, and a
    /// retry's delay do not count); after each step, only once the application has armed its next
    /// timer. However slowly a busy machine works (building the resilience pipeline of a new
    /// origin, parsing a large feed), no cap runs out and no interval passes meanwhile. The
    /// outcome does not depend on how fast the machine is; a task that never completes fails at
    /// <see cref="HangGuard"/>.
    /// </summary>
    internal async Task<T> DriveAsync<T>(Task<T> task, TimeSpan step, UpstreamServer upstream)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(upstream);
        using var hang = new CancellationTokenSource(HangGuard);
        try
        {
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, upstream.QuietAsync()).WaitAsync(hang.Token).ConfigureAwait(false);
                if (task.IsCompleted)
                {
                    break;
                }

                var armed = ArmedAfter(Interlocked.Read(ref _arms));
                Step(step);
                await Task.WhenAny(task, armed).WaitAsync(hang.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (hang.IsCancellationRequested)
        {
            Assert.Fail($"the awaited work never completed while the clock was driven (now {GetUtcNow():O}); upstream saw {upstream.Requests.Count} requests");
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the clock on by <paramref name="step"/> and waits until the application arms its
    /// next timer (its refresher's next poll, say): whatever the step made due has been looked at.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan step)
    {
        var armed = ArmedAfter(Interlocked.Read(ref _arms));
        Step(step);
        await armed.WaitAsync(HangGuard).ConfigureAwait(false);
    }

    /// <summary>Completes at the next step of <see cref="DriveAsync{T}"/> or <see cref="AdvanceAsync"/> (an upstream's slow answer paces itself on it).</summary>
    public Task NextAdvanceAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _advanced.Task.WaitAsync(cancellationToken);
        }
    }

    private void Step(TimeSpan step)
    {
        Advance(step);
        TaskCompletionSource advanced;
        lock (_gate)
        {
            advanced = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        advanced.TrySetResult();
    }

    /// <summary>Completes once a timer is armed after the <paramref name="mark"/>-th one.</summary>
    private Task ArmedAfter(long mark)
    {
        lock (_gate)
        {
            return _arms > mark ? Task.CompletedTask : _armed.Task;
        }
    }

    private void NoteArmed()
    {
        TaskCompletionSource armed;
        lock (_gate)
        {
            _arms++;
            armed = _armed;
            _armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        armed.TrySetResult();
    }

    /// <summary>The fake clock's timer, reporting every re-arming (a CancellationTokenSource's CancelAfter, a PeriodicTimer).</summary>
    private sealed class ArmedTimer(ITimer inner, DrivenClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.NoteArmed();
            }

            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
