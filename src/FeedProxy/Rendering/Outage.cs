namespace FeedProxy.Rendering;

/// <summary>
/// Whether a store is failing, so an outage is logged when it starts and when it ends
/// rather than once per request that meets it. Thread-safe.
/// </summary>
internal sealed class Outage
{
    private int _down;

    /// <summary>Records a failure; true for the first one of an outage.</summary>
    public bool Failed() => Interlocked.Exchange(ref _down, 1) == 0;

    /// <summary>Records an answer; true for the first one after an outage.</summary>
    public bool Answered() => Volatile.Read(ref _down) == 1 && Interlocked.Exchange(ref _down, 0) == 1;
}
