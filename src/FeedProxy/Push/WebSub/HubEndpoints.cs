using Carter;
using FeedProxy.Collections;
using FeedProxy.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Http;
using FeedProxy.Push.Webhooks;
using FeedProxy.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FeedProxy.Push.WebSub;

/// <summary>
/// The WebSub hub (W3C Recommendation, section 5.1): POST /hub with an
/// application/x-www-form-urlencoded body of hub.mode, hub.topic, hub.callback and optionally
/// hub.lease_seconds and hub.secret. Answers 202 Accepted and verifies intent afterwards
/// (<see cref="HubVerifier"/>); topics must be this server's public feed URLs.
/// </summary>
public sealed class HubEndpoints : ICarterModule
{
    private const int MaxBodyBytes = 8 * 1024;

    // Section 5.1: hub.secret "MUST be less than 200 bytes".
    private const int MaxSecretBytes = 199;

    private static readonly FormOptions Form = new() { ValueCountLimit = 16, KeyLengthLimit = 64, ValueLengthLimit = 4096, BufferBody = false };

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        // Subscribing starts outbound work: it spends the client's budget like a render.
        app.MapPost("/" + HubLinks.HubPath, Subscribe)
            .AddEndpointFilter<Limits.SpendBudgetFilter>()
            .WithTags("WebSub").WithName("WebSubHub").DisableAntiforgery()
            .WithSummary("WebSub hub: subscribe a callback to a feed URL (answers 202, then verifies intent).");
    }

    internal static async Task<IResult> Subscribe(HttpContext context, IPushStore store, IEventStore events, ICollectionStore collections, HubVerifier verifier, IOptions<FeedProxyOptions> options, TimeProvider time)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return Problems.TooLarge("A hub request is at most 8 KB.");
        }

        if (!request.HasFormContentType || !string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem("Send the request as application/x-www-form-urlencoded (W3C WebSub section 5.1).", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(Form, context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problems.BadRequest("The form body is malformed or too large.");
        }

        var settings = options.Value;
        var mode = form["hub.mode"].ToString();
        if (mode is not ("subscribe" or "unsubscribe"))
        {
            return Problems.BadRequest("hub.mode must be 'subscribe' or 'unsubscribe'.");
        }

        var callback = WebhookService.CheckUrl(form["hub.callback"].ToString(), settings.Upstream, out var callbackError);
        if (callback is null)
        {
            return Problems.BadRequest("hub.callback: " + callbackError);
        }

        var baseUrl = FeedEndpoints.BaseUrl(request, settings);
        if (!Topic.TryParseUrl(form["hub.topic"].ToString(), baseUrl, out var topic, out var topicUrl)
            || !await IsPublicAsync(topic!, events, collections, context.RequestAborted))
        {
            // The same answer for a private feed as for none at all.
            return Problems.BadRequest($"hub.topic must be the URL of a public feed of this server ({baseUrl}events/{{id}}.ics, .rss, …), as its Link rel=\"self\" header gives it.");
        }

        var secret = form["hub.secret"].ToString();
        if (System.Text.Encoding.UTF8.GetByteCount(secret) > MaxSecretBytes)
        {
            return Problems.BadRequest("hub.secret must be less than 200 bytes.");
        }

        var push = settings.Push;
        var lease = push.DefaultLeaseSeconds;
        if (form.TryGetValue("hub.lease_seconds", out var asked) && asked.Count > 0 && asked[0]!.Length > 0)
        {
            if (!int.TryParse(asked[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out lease) || lease < 1)
            {
                return Problems.BadRequest("hub.lease_seconds must be a positive whole number.");
            }
        }

        lease = Math.Clamp(lease, 60, Math.Max(60, push.MaxLeaseSeconds));
        var subscribe = mode == "subscribe";
        if (subscribe)
        {
            var (total, forHost) = await store.CountSubscriptionsAsync(callback.IdnHost, time.GetUtcNow(), context.RequestAborted);
            if (forHost >= push.MaxSubscriptionsPerHost || total >= push.MaxSubscriptions)
            {
                return TypedResults.Problem("This hub takes no more subscriptions for this callback host.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
            }
        }

        if (!verifier.TryStart(new HubRequest(subscribe, topicUrl!, topic!, callback, lease, secret.Length > 0 ? secret : null)))
        {
            return Problems.Unavailable("Too many subscriptions are being verified; try again shortly.");
        }

        return TypedResults.Accepted((string?)null);
    }

    private static async Task<bool> IsPublicAsync(Topic topic, IEventStore events, ICollectionStore collections, CancellationToken cancellationToken)
    {
        if (topic.Kind == TopicKind.Event)
        {
            var snapshot = await events.GetAsync(topic.Id, cancellationToken);
            return snapshot is not null && snapshot.Event.Published && snapshot.Event.Visibility == EventVisibility.Public;
        }

        var collection = await collections.GetAsync(topic.Id, cancellationToken);
        return collection is not null && collection.Definition.Visibility == EventVisibility.Public;
    }
}
