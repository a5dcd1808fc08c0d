using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FeedProxy.Admin;
using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Upstream;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FeedProxy.Upstream;

/// <summary>
/// Keeps every source fresh whether or not anyone requests its feeds: due sources are claimed
/// (<see cref="ISourceStore.ClaimAsync"/>: one instance per source and interval), fetched
/// conditionally, and only a new body is parsed; the result goes through the import path, so an
/// unchanged schedule keeps its version and ETags and a changed one reaches every instance through
/// the store's own change notification. A failing or garbage upstream never replaces the last
/// good schedule: the failure is recorded, logged once per state change, and retried with
/// exponential backoff. A feed request that finds its source overdue wakes the loop
/// (<see cref="NoteRequest"/>) and is served the current version meanwhile.
/// </summary>
internal sealed partial class SourceRefresher(
    ISourceStore sources,
    UpstreamFetcher fetcher,
    ImportService imports,
    IEventStore events,
    IEventAdminStore admin,
    UpstreamMetrics metrics,
    TimeProvider time,
    IOptions<FeedProxyOptions> options,
    ILogger<SourceRefresher> logger) : BackgroundService
{
    private const int MaxConcurrent = 4;
    private static readonly TimeSpan DueMapAge = TimeSpan.FromSeconds(5);

    private readonly UpstreamOptions _options = options.Value.Upstream;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private IReadOnlyDictionary<string, Instant?> _due = new Dictionary<string, Instant?>();
    private long _dueLoadedTicks;
    private bool _loopFailing;

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
        var claimed = await sources.ClaimAsync(eventId, Lease, cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            // Another refresh holds it (the loop, or another instance): its outcome is as fresh.
            var deadline = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(_options.TimeoutSeconds + 5))
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                if (await sources.GetAsync(eventId, cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    return null;
                }

                if (current.Status.ClaimedUntil is null || current.Status.ClaimedUntil < Now())
                {
                    return current.Status;
                }
            }

            return null;
        }

        var status = await RefreshAsync(claimed, cancellationToken).ConfigureAwait(false);
        await sources.CompleteAsync(eventId, status, CancellationToken.None).ConfigureAwait(false);
        return status;
    }

    /// <summary>Wakes the loop (a source was declared or changed).</summary>
    public void Wake() => _wake.Release();

    private Duration Lease => Duration.FromSeconds(_options.TimeoutSeconds + 30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                running.RemoveAll(t => t.IsCompleted);
                if (Stopwatch.GetElapsedTime(_dueLoadedTicks) > DueMapAge)
                {
                    _due = await sources.ListDueAsync(stoppingToken).ConfigureAwait(false);
                    _dueLoadedTicks = Stopwatch.GetTimestamp();
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

            try
            {
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(50, _options.PollMilliseconds)), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunAsync(ClaimedSource claimed, CancellationToken stoppingToken)
    {
        try
        {
            var status = await RefreshAsync(claimed, stoppingToken).ConfigureAwait(false);
            await sources.CompleteAsync(claimed.Definition.EventId, status, CancellationToken.None).ConfigureAwait(false);

            // The overdue check of feed requests needs the new next due time now, not at the next turn.
            _due = await sources.ListDueAsync(stoppingToken).ConfigureAwait(false);
            _dueLoadedTicks = Stopwatch.GetTimestamp();
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
    }

    /// <summary>One refresh: fetch, compare, parse, store. Never throws for upstream or parse failures: they become the status.</summary>
    internal async Task<SourceStatus> RefreshAsync(ClaimedSource claimed, CancellationToken cancellationToken)
    {
        var (definition, previous) = claimed;
        var now = Now();
        var host = definition.Url.Host;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)));
        var kind = definition.Kind.ToWireName();
        try
        {
            // Validators only while the event they describe exists: a 304 cannot re-create an
            // event deleted by hand (or never stored), a full body can.
            var validators = await events.GetVersionAsync(definition.EventId, cancellationToken).ConfigureAwait(false) is null
                ? previous with { ETag = null, LastModified = null }
                : previous;
            var (result, bodies) = await FetchAsync(definition, validators, timeout.Token).ConfigureAwait(false);
            if (result.NotModified)
            {
                metrics.Fetches.Add(1, new KeyValuePair<string, object?>("result", "304"));
                return Succeeded(previous, now, "304", previous.ETag, previous.LastModified, previous.BodyHash, previous.LastChange, definition, result.MaxAge);
            }

            var bytes = bodies.Sum(b => (long)b.Length);
            metrics.Fetches.Add(1, new KeyValuePair<string, object?>("result", "200"));
            metrics.Bytes.Add(bytes, new KeyValuePair<string, object?>("kind", kind));
            var hash = Hash(definition, bodies);
            // The time cap is the fetch's; parsing and the store write are bounded by size and run to completion.
            if (hash == previous.BodyHash && await events.GetVersionAsync(definition.EventId, cancellationToken).ConfigureAwait(false) is not null)
            {
                // Identical bytes: no parse, no write, no version change.
                return Succeeded(previous, now, "unchanged", result.ETag, result.LastModified, hash, previous.LastChange, definition, result.MaxAge);
            }

            var watch = Stopwatch.StartNew();
            var model = Read(definition, result, bodies, now);
            metrics.ParseDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("kind", kind));

            // Recurrence the store would refuse is taken out of its session and reported in the
            // status, instead of failing the whole schedule (or a writer skipping it unseen).
            model = UpstreamRecurrence.Check(model, out var problems);
            var warnings = problems.Count == 0 ? null : string.Join('\n', problems);
            if (warnings is not null && warnings != previous.Warnings)
            {
                LogRecurrenceRejected(definition.EventId, host, problems.Count, problems[0]);
            }

            // The event (and with it the source) may have been deleted while this refresh fetched.
            if (!await StillDeclaredAsync(claimed, cancellationToken).ConfigureAwait(false))
            {
                return previous;
            }

            var existing = await events.GetAsync(definition.EventId, cancellationToken).ConfigureAwait(false);
            var summary = await imports.ImportAsync(definition.EventId, _ => model, existing?.Event.Published ?? true, cancellationToken).ConfigureAwait(false);
            if (summary.Created && !await StillDeclaredAsync(claimed, cancellationToken).ConfigureAwait(false))
            {
                // Deleted between the check and the write: undo the re-creation rather than
                // resurrect an event the operator deleted.
                await admin.DeleteAsync(definition.EventId, CancellationToken.None).ConfigureAwait(false);
                return previous;
            }

            if (summary.Changed)
            {
                metrics.Changes.Add(1);
                LogChanged(definition.EventId, host, summary.Sessions, summary.PublicSessions);
            }

            return Succeeded(previous, now, "200", result.ETag, result.LastModified, hash, summary.Changed ? now : previous.LastChange, definition, result.MaxAge) with { Warnings = warnings };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.Fetches.Add(1, new KeyValuePair<string, object?>("result", "error"));
            var failures = previous.Failures + 1;
            var error = Describe(ex, definition);
            var next = now + Backoff(definition, failures);
            if (previous.Failures == 0)
            {
                LogFailing(definition.EventId, host, error, next.ToDateTimeOffset());
            }

            return previous with
            {
                LastAttempt = now,
                LastError = error,
                LastResult = "error",
                Failures = failures,
                NextDue = next,
            };
        }
    }

    private async Task<bool> StillDeclaredAsync(ClaimedSource claimed, CancellationToken cancellationToken) =>
        await sources.GetAsync(claimed.Definition.EventId, cancellationToken).ConfigureAwait(false) is { } current
        && current.Status.Generation == claimed.Status.Generation;

    private async Task<(FetchResult Result, List<byte[]> Bodies)> FetchAsync(SourceDefinition definition, SourceStatus previous, CancellationToken cancellationToken)
    {
        if (definition.Kind != SourceKind.OpenEvent)
        {
            var result = await fetcher.GetAsync(definition.Url, definition.Headers, previous.ETag, previous.LastModified, cancellationToken).ConfigureAwait(false);
            return (result, result.NotModified ? [] : [result.Body]);
        }

        // The event and its sessions pages. When the upstream gave validators for every one of
        // them last time, one conditional round first: all 304 is "not modified" (RFC 9110 §13.1).
        // Any 200 means a full fetch (a page's body cannot be rebuilt from a 304), whose bodies
        // are then compared by content: the fallback for upstreams that send no validators.
        if (RequestValidators.DecodeComplete(previous.ETag) is { } known && known.Count <= OpenEventApiReader.MaxPages + 1)
        {
            var first = await fetcher.GetAsync(definition.Url, definition.Headers, known[0].ETag, known[0].LastModified, cancellationToken).ConfigureAwait(false);
            var unchanged = first.NotModified;
            for (var page = 1; unchanged && page < known.Count; page++)
            {
                var next = await fetcher.GetAsync(OpenEventApiReader.SessionsUrl(first.FinalUrl, page), definition.Headers, known[page].ETag, known[page].LastModified, cancellationToken).ConfigureAwait(false);
                unchanged = next.NotModified;
            }

            if (unchanged)
            {
                return (first with { ETag = previous.ETag, LastModified = null }, []);
            }
        }

        var main = await fetcher.GetAsync(definition.Url, definition.Headers, null, null, cancellationToken).ConfigureAwait(false);
        var bodies = new List<byte[]> { main.Body };
        var validators = new List<(string?, string?)> { (main.ETag, main.LastModified) };
        var total = (long)main.Body.Length;
        for (var page = 1; page <= OpenEventApiReader.MaxPages; page++)
        {
            var next = await fetcher.GetAsync(OpenEventApiReader.SessionsUrl(main.FinalUrl, page), definition.Headers, null, null, cancellationToken).ConfigureAwait(false);
            bodies.Add(next.Body);
            validators.Add((next.ETag, next.LastModified));
            total += next.Body.Length;
            if (total > _options.MaxResponseBytes)
            {
                throw new UpstreamException($"The upstream's pages add up to more than {_options.MaxResponseMegabytes} MB.");
            }

            if (!OpenEventApiReader.HasNextPage(next.Body))
            {
                break;
            }
        }

        return (main with { ETag = RequestValidators.Encode(validators), LastModified = null }, bodies);
    }

    private static Event Read(SourceDefinition definition, FetchResult result, List<byte[]> bodies, Instant now)
    {
        var readOptions = new UpstreamReadOptions { EventId = definition.EventId, TimeZone = definition.TimeZone, ReadAt = now, SourceUrl = result.FinalUrl };
        return definition.Kind == SourceKind.OpenEvent
            ? OpenEventApiReader.Read(bodies[0], bodies.Skip(1).ToList(), readOptions)
            : SourceKinds.Read(definition.Kind, bodies[0], result.ContentType, readOptions);
    }

    private SourceStatus Succeeded(SourceStatus previous, Instant now, string result, string? etag, string? lastModified, string? hash, Instant? lastChange, SourceDefinition definition, TimeSpan? maxAge)
    {
        if (previous.Failures > 0)
        {
            LogRecovered(definition.EventId, definition.Url.Host, previous.Failures);
        }

        var interval = definition.RefreshSeconds;
        if (maxAge is { } age)
        {
            interval = (int)Math.Max(interval, Math.Min(age.TotalSeconds, _options.MaxAgeCapSeconds));
        }

        return previous with
        {
            LastAttempt = now,
            LastSuccess = now,
            LastChange = lastChange,
            LastError = null,
            LastResult = result,
            ETag = etag,
            LastModified = lastModified,
            BodyHash = hash,
            Failures = 0,
            NextDue = now + Duration.FromSeconds(interval),
        };
    }

    /// <summary>The interval doubled per consecutive failure, capped, with ±10% jitter so failing sources spread out.</summary>
    private Duration Backoff(SourceDefinition definition, int failures)
    {
        var seconds = Math.Min(definition.RefreshSeconds * Math.Pow(2, Math.Min(failures - 1, 20)), Math.Max(definition.RefreshSeconds, _options.MaxBackoffSeconds));
        var jitter = 0.9 + (Random.Shared.NextDouble() * 0.2);
        return Duration.FromSeconds(seconds * jitter);
    }

    private static string Hash(SourceDefinition definition, List<byte[]> bodies)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(definition.ContentKey));
        foreach (var body in bodies)
        {
            sha.AppendData(BitConverter.GetBytes(body.Length));
            sha.AppendData(body);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>A cause an operator can act on; never a header value (headers are secrets) and never a URL query.</summary>
    private string Describe(Exception ex, SourceDefinition definition)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case UpstreamAddressRefusedException refused: return refused.Message;
                case UpstreamException upstream: return upstream.Message;
                case ImportException import: return $"Not readable as a '{definition.Kind.ToWireName()}' source: {import.Message}";
                case BrokenCircuitException: return $"Requests to {definition.Url.Host} are paused after repeated failures (circuit open).";
                case TimeoutRejectedException or OperationCanceledException: return $"Timed out (attempt cap {_options.AttemptTimeoutSeconds} s, refresh cap {_options.TimeoutSeconds} s).";
            }
        }

        return ex is HttpRequestException http
            ? $"Could not reach {definition.Url.Host}: {http.Message}"
            : $"{ex.GetType().Name}: {ex.Message}";
    }

    private Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Source of '{EventId}' ({Host}) changed the schedule: {Sessions} sessions, {Public} public")]
    private partial void LogChanged(string eventId, string host, int sessions, int @public);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Source of '{EventId}' ({Host}) is failing: {Error}. The last good schedule stays live; next try at {NextDue}")]
    private partial void LogFailing(string eventId, string host, string error, DateTimeOffset nextDue);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Source of '{EventId}' ({Host}) recovered after {Failures} failed refreshes")]
    private partial void LogRecovered(string eventId, string host, int failures);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Cannot look for due sources; retrying every poll")]
    private partial void LogLoopFailing(Exception exception);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Looking for due sources again")]
    private partial void LogLoopRecovered();

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Source of '{EventId}' ({Host}): {Count} recurrence problems left parts of sessions out (the source status lists them); first: {First}")]
    private partial void LogRecurrenceRejected(string eventId, string host, int count, string first);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Cannot record the refresh of '{EventId}'; its lease expires and another refresh follows")]
    private partial void LogCompleteFailed(Exception exception, string eventId);
}
