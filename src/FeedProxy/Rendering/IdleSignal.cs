namespace FeedProxy.Rendering;

/// <summary>
/// Counts work running off the request path (renders, background compression) and tells
/// waiters when none is left, so tests wait on the work itself rather than on a clock. Thread-safe.
/// </summary>
internal sealed class IdleSignal
{
    private readonly Lock _lock = new();
    private int _busy;
    private TaskCompletionSource? _idle;

    public void Enter()
    {
        lock (_lock)
        {
            _busy++;
        }
    }

    public void Exit()
    {
        TaskCompletionSource? idle = null;
        lock (_lock)
        {
            if (--_busy == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>Completes when nothing counted runs (at once if nothing does now).</summary>
    public Task WhenIdleAsync()
    {
        lock (_lock)
        {
            return _busy == 0 ? Task.CompletedTask : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
