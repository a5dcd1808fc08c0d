using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace FeedProxy.Push.Sending;

/// <summary>
/// Sends due deliveries: claims a batch (PostgreSQL: FOR UPDATE SKIP LOCKED with a lease, so
/// each goes out from one instance; a crashed instance's lease runs out and another takes the
/// row), sends up to <see cref="PushOptions.DeliveryConcurrency"/> at a time, and records the
/// outcome: delivered, or retried after the next wait of <see cref="PushOptions.RetrySeconds"/>
/// under the same message id, or failed after the last. Wakes when something is enqueued here,
/// else every <see cref="PushOptions.PollSeconds"/>; every wait is on the injected clock.
/// </summary>
internal sealed partial class DeliveryWorker(
    IPushStore store, PushSender sender, PushMetrics metrics, IOptions<FeedProxyOptions> options, TimeProvider time, ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Raised after each attempt is recorded, with its outcome (tests wait on it).</summary>
    internal event Action<Delivery, string>? Attempted;

    /// <summary>Raised when the worker found nothing due and is about to wait (tests advance the clock after it).</summary>
    internal event Action? Idle;

    private PushOptions Settings => options.Value.Push;

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var batch = await store.ClaimAsync(now, now.AddSeconds(Math.Max(10, Settings.LeaseSeconds)), Math.Max(1, Settings.DeliveryConcurrency), stoppingToken);
                if (batch.Count > 0)
                {
                    await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Settings.DeliveryConcurrency), CancellationToken = stoppingToken }, SendAsync);
                    continue;
                }

                if (now - lastPurge > TimeSpan.FromHours(1))
                {
                    await store.PurgeAsync(now.AddDays(-Math.Max(1, Settings.DeliveryRetentionDays)), stoppingToken);
                    lastPurge = now;
                }

                var counts = await store.CountAsync(null, stoppingToken);
                var subscriptions = await store.CountSubscriptionsAsync(string.Empty, now, stoppingToken);
                metrics.Observe(subscriptions.Total, (await store.ListWebhooksAsync(stoppingToken)).Count, counts.Pending);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogQueueFailed(ex.GetType().Name, ex.Message);
            }

            await WaitAsync(stoppingToken);
        }
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(TimeSpan.FromSeconds(Math.Max(1, Settings.PollSeconds)), time, stop.Token);
        Idle?.Invoke();
        try
        {
            await Task.WhenAny(delay, _wake.Reader.WaitToReadAsync(stop.Token).AsTask());
            _wake.Reader.TryRead(out _);
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private async ValueTask SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAsync(delivery, cancellationToken);
        var now = time.GetUtcNow();
        string result;
        if (outcome.Delivered || outcome.Drop)
        {
            await store.CompleteAsync(delivery.Id, cancellationToken);
            result = outcome.Delivered ? "delivered" : "dropped";
        }
        else
        {
            var attempts = delivery.Attempts + 1;
            var waits = Settings.RetrySeconds;
            DateTimeOffset? next = outcome.Permanent || attempts > waits.Count ? null : now.AddSeconds(Math.Max(1, waits[attempts - 1]));
            await store.RetryAsync(delivery.Id, attempts, next, outcome.Error ?? "failed", cancellationToken);
            result = next is null ? "failed" : "retry";
            LogAttemptFailed(delivery.Kind, delivery.TargetId, attempts, outcome.Error ?? "failed", next);
        }

        if (delivery.Kind == TargetKind.Webhook && !outcome.Drop)
        {
            await store.RecordWebhookResultAsync(delivery.TargetId, now, outcome.Delivered ? null : outcome.Error, cancellationToken);
        }

        metrics.Count(delivery.Kind, result);
        Attempted?.Invoke(delivery, result);
    }

    [LoggerMessage(EventId = 9301, Level = LogLevel.Information, Message = "Push delivery to {Kind} {TargetId} failed (attempt {Attempts}: {Error}); next attempt at {Next}")]
    private partial void LogAttemptFailed(TargetKind kind, string targetId, int attempts, string error, DateTimeOffset? next);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Warning, Message = "The push delivery queue is unavailable ({ErrorType}: {Message}); retrying")]
    private partial void LogQueueFailed(string errorType, string message);
}
