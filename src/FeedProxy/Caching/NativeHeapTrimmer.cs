using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace FeedProxy.Caching;

/// <summary>
/// Hands native memory that glibc's malloc keeps after it was freed back to the system, every
/// <see cref="CachingOptions.NativeTrimSeconds"/> (docs/security.md, "Memory"). Each render
/// compresses its feed with zlib and Brotli, whose encoder state (hundreds of KB per stream) is
/// native memory allocated and freed per render; glibc keeps freed blocks in its per-thread
/// arenas between live ones and returns only the top of each. malloc_trim(3) releases every
/// free page of every arena. Under scripts/bench/memory.sh the arenas held 50-100 MB of the
/// peak RSS without it; a trim takes well under a millisecond. glibc only: elsewhere (or when
/// the interval is 0) nothing is scheduled.
/// </summary>
internal sealed partial class NativeHeapTrimmer(IOptions<FeedProxyOptions> options, TimeProvider time, ILogger<NativeHeapTrimmer> logger)
    : IHostedService, IDisposable
{
    private ITimer? _timer;
    private int _trims;

    /// <summary>Trims done so far (tests count them).</summary>
    internal int Trims => Volatile.Read(ref _trims);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var seconds = options.Value.Caching.NativeTrimSeconds;
        if (seconds <= 0 || !OperatingSystem.IsLinux() || !TryTrim())
        {
            return Task.CompletedTask;
        }

        var interval = TimeSpan.FromSeconds(seconds);
        _timer = time.CreateTimer(_ => TryTrim(), null, interval, interval);
        LogStarted(logger, seconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private bool TryTrim()
    {
        try
        {
            _ = MallocTrim(0);
            Interlocked.Increment(ref _trims);
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): its allocator keeps its own policy.
            return false;
        }
    }

    // DllImport rather than LibraryImport: blittable arguments need no marshalling code, and
    // LibraryImport would need unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "Native heap trimmed every {Seconds} s")]
    private static partial void LogStarted(ILogger logger, int seconds);
}
