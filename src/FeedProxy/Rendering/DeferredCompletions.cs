namespace FeedProxy.Rendering;

/// <summary>
/// Background completions (a feed's best codings) started by a render nested in another (the
/// CalDAV index asks for the calendar's feed): they start when the outer render is done, so on
/// a small machine they do not take the core the outer render, which a client is waiting for,
/// needs. The outermost render of a flow opens the scope; renders the flow reaches inside it
/// (the execution context carries it) add to it. Once closed, anything added starts at once,
/// so a task that outlives the render and carries its context never holds a completion back.
/// </summary>
internal sealed class DeferredCompletions
{
    private static readonly AsyncLocal<DeferredCompletions?> Current = new();

    private readonly Lock _lock = new();
    private List<Action>? _pending = [];

    /// <summary>A scope for the render about to run, or null when one is open already (this render is nested).</summary>
    public static DeferredCompletions? Open()
    {
        if (Current.Value is { IsOpen: true })
        {
            return null;
        }

        var scope = new DeferredCompletions();
        Current.Value = scope;
        return scope;
    }

    /// <summary>Starts <paramref name="start"/> when the enclosing render is done, or now outside one.</summary>
    public static void Start(Action start)
    {
        if (Current.Value is not { } scope || !scope.TryAdd(start))
        {
            start();
        }
    }

    /// <summary>Closes the scope and starts what was added to it, in order.</summary>
    public void Close()
    {
        List<Action>? pending;
        lock (_lock)
        {
            pending = _pending;
            _pending = null;
        }

        foreach (var start in pending ?? [])
        {
            start();
        }
    }

    private bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _pending is not null;
            }
        }
    }

    private bool TryAdd(Action start)
    {
        lock (_lock)
        {
            _pending?.Add(start);
            return _pending is not null;
        }
    }
}
