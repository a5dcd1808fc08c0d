using System.Security.Cryptography;
using System.Text;
using FeedProxy.Admin;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Upstream;
using FeedProxy.Storage;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Upstream;

/// <summary>
/// One refresh of one claimed source: fetch conditionally (<see cref="OpenEventPager"/> for Open
/// Event), compare, parse only a new body, and store through the import path, so an unchanged
/// schedule keeps its version and ETags and a changed one reaches every instance through the
/// store's own change notification. A failing or garbage upstream never replaces the last good
/// schedule: the failure becomes the status (<see cref="SourceFailureText"/>), is logged once per
/// state change, and is retried after <see cref="RefreshSchedule.Backoff"/>.
/// </summary>
internal sealed partial class SourceRefresh(
    ISourceStore sources,
    UpstreamFetcher fetcher,
    OpenEventPager openEvent,
    ImportService imports,
    IEventStore events,
    IEventAdminStore admin,
    UpstreamMetrics metrics,
    RefreshSchedule schedule,
    TimeProvider time,
    IOptions<FeedProxyOptions> options,
    ILogger<SourceRefresh> logger)
{
    private readonly UpstreamOptions _options = options.Value.Upstream;

    /// <summary>Never throws for upstream or parse failures: they become the status.</summary>
    public async Task<SourceStatus> RefreshAsync(ClaimedSource claimed, CancellationToken cancellationToken)
    {
        var (definition, previous) = claimed;
        var now = Now();
        var host = definition.Url.Host;
        // The time cap is the fetch's, on the injected clock; parsing and the store write are
        // bounded by size and run to completion.
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds)), time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cap.Token);
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
            if (hash == previous.BodyHash && await events.GetVersionAsync(definition.EventId, cancellationToken).ConfigureAwait(false) is not null)
            {
                // Identical bytes: no parse, no write, no version change.
                return Succeeded(previous, now, "unchanged", result.ETag, result.LastModified, hash, previous.LastChange, definition, result.MaxAge);
            }

            var parseStarted = time.GetTimestamp();
            var model = Read(definition, result, bodies, now);
            metrics.ParseDuration.Record(time.GetElapsedTime(parseStarted).TotalSeconds, new KeyValuePair<string, object?>("kind", kind));

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
            var error = SourceFailureText.Describe(ex, definition, _options);
            var next = now + schedule.Backoff(definition, failures);
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
        if (definition.Kind == SourceKind.OpenEvent)
        {
            return await openEvent.FetchAsync(definition, previous, cancellationToken).ConfigureAwait(false);
        }

        var result = await fetcher.GetAsync(definition.Url, definition.Headers, previous.ETag, previous.LastModified, cancellationToken).ConfigureAwait(false);
        return (result, result.NotModified ? [] : [result.Body]);
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
            NextDue = now + schedule.Interval(definition, maxAge),
        };
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

    private Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Source of '{EventId}' ({Host}) changed the schedule: {Sessions} sessions, {Public} public")]
    private partial void LogChanged(string eventId, string host, int sessions, int @public);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Source of '{EventId}' ({Host}) is failing: {Error}. The last good schedule stays live; next try at {NextDue}")]
    private partial void LogFailing(string eventId, string host, string error, DateTimeOffset nextDue);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Source of '{EventId}' ({Host}) recovered after {Failures} failed refreshes")]
    private partial void LogRecovered(string eventId, string host, int failures);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Source of '{EventId}' ({Host}): {Count} recurrence problems left parts of sessions out (the source status lists them); first: {First}")]
    private partial void LogRecurrenceRejected(string eventId, string host, int count, string first);
}
