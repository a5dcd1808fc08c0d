using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FeedProxy.Changes;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Feeds;
using FeedProxy.Push.Webhooks;
using FeedProxy.Upstream;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FeedProxy.Push.Sending;

/// <summary>What one attempt came to.</summary>
internal sealed record SendOutcome(bool Delivered, bool Drop, bool Permanent, string? Error)
{
    public static SendOutcome Success { get; } = new(true, false, false, null);

    /// <summary>Nothing to send any more (target deleted or expired, topic no longer public).</summary>
    public static SendOutcome Dropped { get; } = new(false, true, false, null);

    public static SendOutcome Failed(string error, bool permanent = false) => new(false, false, permanent, error);
}

/// <summary>
/// Sends one delivery through the SSRF-safe push client (<see cref="UpstreamFetcher.PushAsync"/>):
/// a webhook message signed as Standard Webhooks prescribes, or a WebSub content distribution
/// (W3C WebSub section 7): the topic's current full body from the render pipeline, its
/// Content-Type, Link rel="hub" and rel="self", and X-Hub-Signature (section 8) when the
/// subscriber gave a secret. Any 2xx is success (both specifications).
/// </summary>
internal sealed class PushSender(
    IPushStore store, UpstreamFetcher fetcher, FeedService feeds, CollectionFeedService collections, ChangeFeedService changes,
    IOptions<FeedProxyOptions> options, TimeProvider time)
{
    private PushOptions Settings => options.Value.Push;

    public async Task<SendOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        try
        {
            using var request = delivery.Kind == TargetKind.Webhook
                ? await WebhookRequestAsync(delivery, cancellationToken)
                : await WebSubRequestAsync(delivery, cancellationToken);
            if (request is null)
            {
                return SendOutcome.Dropped;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, Settings.RequestTimeoutSeconds)), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var (status, _) = await fetcher.PushAsync(request, 1024, linked.Token);
            return status is >= 200 and < 300 ? SendOutcome.Success : SendOutcome.Failed($"answered {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Failed("timed out");
        }
        catch (HttpRequestException ex) when (Refused(ex))
        {
            return SendOutcome.Failed("refused: the address is not public", permanent: true);
        }
        catch (HttpRequestException ex)
        {
            return SendOutcome.Failed(ex.HttpRequestError.ToString());
        }
    }

    private static bool Refused(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            if (e is UpstreamAddressRefusedException)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<HttpRequestMessage?> WebhookRequestAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var webhook = await store.GetWebhookAsync(delivery.TargetId, cancellationToken);
        if (webhook is null || delivery.Payload is null)
        {
            return null;
        }

        // Each attempt carries its own time (receivers reject stale timestamps) under the same id.
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.MessageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookSignature.Sign(webhook.Secret, delivery.MessageId, timestamp, delivery.Payload));
        return request;
    }

    private async Task<HttpRequestMessage?> WebSubRequestAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var subscription = long.TryParse(delivery.TargetId, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? await store.GetSubscriptionAsync(id, cancellationToken)
            : null;
        if (subscription is null || subscription.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var body = await RenderAsync(subscription, cancellationToken);
        if (body is null || body.Length > Settings.MaxBodyBytes)
        {
            return null;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, subscription.Callback) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(subscription.Target.Format.ContentType());
        request.Headers.TryAddWithoutValidation("Link", $"<{HubLinks.HubUrl(BaseOf(subscription.Topic)).AbsoluteUri}>; rel=\"hub\"");
        request.Headers.TryAddWithoutValidation("Link", $"<{subscription.Topic.AbsoluteUri}>; rel=\"self\"");
        if (subscription.Secret is { } secret)
        {
            request.Headers.TryAddWithoutValidation("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        }

        return request;
    }

    /// <summary>The topic's current public body from the render pipeline; null when it is no longer a public feed.</summary>
    internal async Task<byte[]?> RenderAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var topic = subscription.Target;
        var baseUrl = BaseOf(subscription.Topic);
        FeedResult result;
        if (topic.IsChangeFeed)
        {
            result = topic.Kind == TopicKind.Event
                ? await changes.GetEventAsync(topic.Id, topic.Format, baseUrl, subscription.Topic, () => null, cancellationToken)
                : await changes.GetCollectionAsync(topic.Id, topic.Format, baseUrl, subscription.Topic, () => null, cancellationToken);
        }
        else
        {
            var query = new QueryCollection(QueryHelpers.ParseQuery(subscription.Topic.Query));
            if (!FeedRequest.TryParse($"{topic.Id}.{topic.Format.Extension()}", query, null, out var request, out _))
            {
                return null;
            }

            result = topic.Kind == TopicKind.Event
                ? await feeds.GetAsync(request!, baseUrl, subscription.Topic, allowPrivate: false, cancellationToken)
                : await collections.GetAsync(request!, baseUrl, subscription.Topic, allowPrivate: false, cancellationToken);
        }

        return result is FeedResult.Found { IsPrivate: false } found ? found.Feed.Identity.ToArray() : null;
    }

    /// <summary>The server's base URL a topic was given under ("https://feeds.example.org/").</summary>
    internal static Uri BaseOf(Uri topic)
    {
        var path = PostgresPushStore.TopicPath(topic);
        var root = topic.GetLeftPart(UriPartial.Path);
        return new Uri(root[..(root.Length - path.Length)] + "/");
    }
}
