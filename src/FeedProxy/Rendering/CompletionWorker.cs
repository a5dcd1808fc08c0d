using System.Threading.Channels;

namespace FeedProxy.Rendering;

/// <summary>
/// Runs the pipeline's background completions (the best codings) one at a time on one
/// dedicated thread, with a bounded backlog. Run on the thread pool, every miss started its own
/// completion at once: under a stream of misses dozens ran side by side, each holding its
/// zlib and Brotli encoder state (native memory, hundreds of KB to MBs per stream), spread
/// over as many glibc malloc arenas, which keep that memory after it is freed
/// (docs/benchmarks.md, "Sixth round: memory"). One thread means one encoder set alive and one
/// arena churning. When the backlog is full the caller is told so and makes its payload the
/// quick way (<see cref="RenderKind{TRequest, TPayload}.CompleteQuickly"/>): under overload the
/// optional work is what gives, not memory or the requests. Thread-safe.
/// </summary>
internal sealed class CompletionWorker : IDisposable
{
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly int _maxQueued;
    private Thread? _thread;
    private int _queued;
    private int _refused;

    public CompletionWorker()
        : this(Math.Max(4, 4 * Environment.ProcessorCount))
    {
    }

    /// <param name="maxQueued">Completions waiting or running at most; beyond, <see cref="TryRun{T}"/> refuses.</param>
    internal CompletionWorker(int maxQueued)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueued, 1);
        _maxQueued = maxQueued;
    }

    /// <summary>Completions refused because the backlog was full (made the quick way instead).</summary>
    internal int Refused => Volatile.Read(ref _refused);

    /// <summary>
    /// Queues <paramref name="work"/>; null when the backlog is full (the caller then does
    /// cheaper work itself). The task completes on the thread pool, not on the worker.
    /// </summary>
    public Task<T>? TryRun<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _refused);
            return null;
        }

        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _work.Writer.TryWrite(() =>
        {
            try
            {
                result.TrySetResult(work());
            }
            catch (Exception ex)
            {
                result.TrySetException(ex);
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
            }
        });
        if (!queued)
        {
            // Disposed (shutting down): nothing runs any more.
            Interlocked.Decrement(ref _queued);
            return null;
        }

        EnsureStarted();
        return result.Task;
    }

    public void Dispose() => _work.Writer.TryComplete();

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _thread) is not null)
        {
            return;
        }

        lock (_lock)
        {
            if (_thread is null)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = "FeedProxy completions" };
                thread.Start();
                Volatile.Write(ref _thread, thread);
            }
        }
    }

    private void Loop()
    {
        var reader = _work.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var work))
            {
                work();
            }
        }
    }
}
