using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// Keeps every source fresh whether or not anyone requests its feeds: the scheduling loop.
/// Due sources are claimed (<see cref="ISourceStore.ClaimAsync"/>: one instance per source and
/// interval), refreshed (<see cref="SourceRefresh"/>) and completed; up to four run at once. A
/// feed request that finds its source overdue wakes the loop (<see cref="NoteRequest"/>) and is
/// served the current version meanwhile. Every wait reads the injected <see cref="TimeProvider"/>,
/// and every completed refresh is announced (<see cref="Refreshed"/>), so tests drive the loop
/// with a fake clock and wait on that signal instead of sleeping.
/// </summary>
internal sealed partial class SourceRefresher(
    ISourceStore sources,
    SourceRefresh refresh,
    TimeProvider time,
    IOptions<FeedProxyOptions> options,
    ILogger<SourceRefresher> logger) : BackgroundService
{
    private const int MaxConcurrent = 4;
    private static readonly TimeSpan DueMapAge = TimeSpan.FromSeconds(5);

    // How often a caller of RefreshNowAsync looks at a refresh another instance holds.
    private static readonly TimeSpan ForeignClaimPoll = TimeSpan.FromMilliseconds(200);

    private readonly UpstreamOptions _options = options.Value.Upstream;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private IReadOnlyDictionary<string, Instant?> _due = new Dictionary<string, Instant?>();
    private long _dueLoadedAt;
    private bool _dueLoaded;
    private bool _loopFailing;

    /// <summary>
    /// Raised after a refresh of a source completed and its status was recorded (event id,
    /// status), whoever asked for it: the loop, the admin API or the command line.
    /// </summary>
    public event Action<string, SourceStatus>? Refreshed;

    private int _running;

    /// <summary>Refreshes under way on this instance: claimed, and not yet recorded and announced.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// Raised when <see cref="Running"/> changes, so a test's driven clock knows that refresh
    /// work (preparing a fetch, parsing, storing) is under way and not waiting on the clock.
    /// </summary>
    public event Action? RunningChanged;

    /// <summary>Called for every feed request: an overdue source is refreshed now, not at the next poll.</summary>
    public void NoteRequest(string eventId)
    {
        if (_due.TryGetValue(eventId, out var due) && due is { } at && at + Duration.FromSeconds(1) < Now())
        {
            _wake.Release();
        }
    }

    /// <summary>Refreshes one source now (admin API, CLI); null when another refresh of it is under way.</summary>
    public async Task<SourceStatus?> RefreshNowAsync(string eventId, CancellationToken cancellationToken)
    {
        // Listening from before the claim: a refresh by this loop that ends in between is heard.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRefreshed(string id, SourceStatus status)
        {
            if (string.Equals(id, eventId, StringComparison.Ordinal))
            {
                done.TrySetResult();
            }
        }

        Refreshed += OnRefreshed;
        try
        {
            var claimed = await sources.ClaimAsync(eventId, Lease, cancellationToken).ConfigureAwait(false);
            if (claimed is null)
            {
                return await AwaitOtherRefreshAsync(eventId, done.Task, cancellationToken).ConfigureAwait(false);
            }

            ChangeRunning(+1);
            try
            {
                var status = await refresh.RefreshAsync(claimed, cancellationToken).ConfigureAwait(false);
                await CompleteAsync(eventId, status).ConfigureAwait(false);
                return status;
            }
            finally
            {
                ChangeRunning(-1);
            }
        }
        finally
        {
            Refreshed -= OnRefreshed;
        }
    }

    /// <summary>Wakes the loop (a source was declared or changed).</summary>
    public void Wake() => _wake.Release();

    private Duration Lease => Duration.FromSeconds(_options.TimeoutSeconds + 30);

    /// <summary>
    /// Another refresh holds the source (this loop, or another instance): its outcome is as
    /// fresh as ours would be. This instance's own refresh is awaited through its signal; one
    /// held elsewhere is looked at every <see cref="ForeignClaimPoll"/> until its lease ends.
    /// </summary>
    private async Task<SourceStatus?> AwaitOtherRefreshAsync(string eventId, Task done, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < TimeSpan.FromSeconds(_options.TimeoutSeconds + 5))
        {
            if (await sources.GetAsync(eventId, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return null;
            }

            if (current.Status.ClaimedUntil is null || current.Status.ClaimedUntil <= Now())
            {
                return current.Status;
            }

            await Task.WhenAny(done, Task.Delay(ForeignClaimPoll, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(t => t.IsCompleted);
                if (!_dueLoaded || time.GetElapsedTime(_dueLoadedAt) > DueMapAge)
                {
                    await LoadDueAsync(stoppingToken).ConfigureAwait(false);
                }

                while (running.Count < MaxConcurrent
                    && await sources.ClaimAsync(null, Lease, stoppingToken).ConfigureAwait(false) is { } claimed)
                {
                    running.Add(RunAsync(claimed, stoppingToken));
                }

                if (_loopFailing)
                {
                    _loopFailing = false;
                    LogLoopRecovered();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // the store may be down; the loop must outlive it and say so once
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (!_loopFailing)
                {
                    _loopFailing = true;
                    LogLoopFailing(ex);
                }
            }

            if (!await WaitForWakeAsync(stoppingToken).ConfigureAwait(false))
            {
                break;
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>Until a wake-up or the next poll on the injected clock; false when the host stops.</summary>
    private async Task<bool> WaitForWakeAsync(CancellationToken stoppingToken)
    {
        using var poll = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Max(50, _options.PollMilliseconds)), time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, stoppingToken);
        try
        {
            await _wake.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The poll interval passed without a wake-up.
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    private async Task LoadDueAsync(CancellationToken cancellationToken)
    {
        _due = await sources.ListDueAsync(cancellationToken).ConfigureAwait(false);
        _dueLoadedAt = time.GetTimestamp();
        _dueLoaded = true;
    }

    private async Task RunAsync(ClaimedSource claimed, CancellationToken stoppingToken)
    {
        ChangeRunning(+1);
        try
        {
            var status = await refresh.RefreshAsync(claimed, stoppingToken).ConfigureAwait(false);
            await CompleteAsync(claimed.Definition.EventId, status).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the lease expires by itself; nothing else to do here
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogCompleteFailed(ex, claimed.Definition.EventId);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            ChangeRunning(-1);
        }
    }

    private void ChangeRunning(int by)
    {
        Interlocked.Add(ref _running, by);
        RunningChanged?.Invoke();
    }

    /// <summary>Records the outcome, then announces it: whoever hears of it finds the status and the due times current.</summary>
    private async Task CompleteAsync(string eventId, SourceStatus status)
    {
        await sources.CompleteAsync(eventId, status, CancellationToken.None).ConfigureAwait(false);

        // The overdue check of feed requests needs the new next due time now, not at the next turn.
        await LoadDueAsync(CancellationToken.None).ConfigureAwait(false);
        Refreshed?.Invoke(eventId, status);
    }

    private Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Cannot look for due sources; retrying every poll")]
    private partial void LogLoopFailing(Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Looking for due sources again")]
    private partial void LogLoopRecovered();

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Cannot record the refresh of '{EventId}'; its lease expires and another refresh follows")]
    private partial void LogCompleteFailed(Exception exception, string eventId);
}
