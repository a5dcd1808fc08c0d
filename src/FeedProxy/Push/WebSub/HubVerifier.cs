using System.Security.Cryptography;
using FeedProxy.Upstream;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FeedProxy.Push.WebSub;

/// <summary>A (un)subscription request the hub accepted (202) and still has to verify.</summary>
internal sealed record HubRequest(bool Subscribe, Uri Topic, Topic Target, Uri Callback, int LeaseSeconds, string? Secret);

/// <summary>
/// Verification of intent (W3C WebSub section 5.3): a GET to the callback with hub.mode,
/// hub.topic, hub.challenge and hub.lease_seconds; the request takes effect only when the
/// subscriber answers 2xx with exactly the challenge. Runs off the request path, at most
/// <see cref="PushOptions.DeliveryConcurrency"/> at a time, through the SSRF-safe push client.
/// </summary>
internal sealed partial class HubVerifier(
    IPushStore store, UpstreamFetcher fetcher, IOptions<FeedProxyOptions> options, TimeProvider time, ILogger<HubVerifier> logger) : IDisposable
{
    // Requests waiting beyond this are refused (503) rather than queued without bound.
    private const int MaxWaiting = 1000;

    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Push.DeliveryConcurrency));
    private int _waiting;

    /// <summary>Raised after a verification ended, with whether the subscriber confirmed (tests wait on it).</summary>
    internal event Action<HubRequest, bool>? Verified;

    /// <summary>False when too many verifications are waiting.</summary>
    public bool TryStart(HubRequest request)
    {
        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return false;
        }

        _ = Task.Run(async () =>
        {
            await _slots.WaitAsync();
            try
            {
                var confirmed = await VerifyAsync(request);
                Verified?.Invoke(request, confirmed);
            }
#pragma warning disable CA1031 // a failed verification is a denied subscription, never a crash
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(request.Callback, ex);
                Verified?.Invoke(request, false);
            }
            finally
            {
                _slots.Release();
                Interlocked.Decrement(ref _waiting);
            }
        });
        return true;
    }

    private async Task<bool> VerifyAsync(HubRequest request)
    {
        var challenge = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["hub.mode"] = request.Subscribe ? "subscribe" : "unsubscribe",
            ["hub.topic"] = request.Topic.AbsoluteUri,
            ["hub.challenge"] = challenge,
        };
        if (request.Subscribe)
        {
            query["hub.lease_seconds"] = request.LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Section 5.3: the callback keeps its own query; the hub's parameters are appended.
        using var message = new HttpRequestMessage(HttpMethod.Get, QueryHelpers.AddQueryString(request.Callback.AbsoluteUri, query));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, options.Value.Push.RequestTimeoutSeconds)), time);
        int status;
        byte[] answer;
        try
        {
            (status, answer) = await fetcher.PushAsync(message, 1024, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogFailed(request.Callback, ex);
            return false;
        }

        if (status is < 200 or >= 300 || System.Text.Encoding.UTF8.GetString(answer).Trim() != challenge)
        {
            LogNotConfirmed(request.Callback.Host, status);
            return false;
        }

        var now = time.GetUtcNow();
        if (request.Subscribe)
        {
            await store.PutSubscriptionAsync(new Subscription(0, request.Topic, request.Target, request.Callback, request.Secret, now.AddSeconds(request.LeaseSeconds), now), CancellationToken.None);
        }
        else
        {
            await store.DeleteSubscriptionAsync(request.Topic, request.Callback, CancellationToken.None);
        }

        LogConfirmed(request.Subscribe ? "subscription" : "unsubscription", request.Callback.Host, request.Topic.AbsolutePath);
        return true;
    }

    public void Dispose() => _slots.Dispose();

    // Hosts and paths only: callback queries may carry the subscriber's own secrets.
    [LoggerMessage(EventId = 9401, Level = LogLevel.Information, Message = "WebSub {What} confirmed by {CallbackHost} for {TopicPath}")]
    private partial void LogConfirmed(string what, string callbackHost, string topicPath);

    [LoggerMessage(EventId = 9402, Level = LogLevel.Information, Message = "WebSub callback {CallbackHost} did not confirm (status {Status})")]
    private partial void LogNotConfirmed(string callbackHost, int status);

    private void LogFailed(Uri callback, Exception exception)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // guarded by IsEnabled just above
            LogVerificationFailed(callback.Host, exception.GetType().Name);
#pragma warning restore CA1873
        }
    }

    [LoggerMessage(EventId = 9403, Level = LogLevel.Information, Message = "WebSub verification of {CallbackHost} failed ({ErrorType})")]
    private partial void LogVerificationFailed(string callbackHost, string errorType);
}
