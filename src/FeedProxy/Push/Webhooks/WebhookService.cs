using FeedProxy.Formats.Model;
using System.Net;
using FeedProxy.Formats.Json;
using FeedProxy.Upstream;
using Microsoft.Extensions.Options;

namespace FeedProxy.Push.Webhooks;

/// <summary>Creating, reading and deleting webhooks: the rules shared by the admin API and the command line.</summary>
internal sealed class WebhookService(IPushStore store, IOptions<FeedProxyOptions> options, TimeProvider time)
{
    private const int MaxIds = 100;

    /// <summary>Validates and stores; the view carries the secret only when it was generated here.</summary>
    public async Task<(WebhookView? View, bool Created, Dictionary<string, string[]>? Errors)> PutAsync(string id, WebhookJson body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!ScheduleId.IsValid(id))
        {
            errors["id"] = ["Ids are 1-128 letters, digits, '.', '_' or '-'."];
        }

        var url = CheckUrl(body.Url, options.Value.Upstream, out var urlError);
        if (urlError is not null)
        {
            errors["url"] = [urlError];
        }

        var events = body.Events ?? [];
        var collections = body.Collections ?? [];
        if (events.Count + collections.Count == 0)
        {
            errors["events"] = ["Name at least one event or collection."];
        }

        if (events.Count > MaxIds || collections.Count > MaxIds || events.Concat(collections).Any(x => !ScheduleId.IsValid(x)))
        {
            errors["events"] = [$"At most {MaxIds} events and {MaxIds} collections, each a valid id."];
        }

        if (body.Secret is not null && !StandardWebhookSignature.IsValidSecret(body.Secret))
        {
            errors["secret"] = ["A secret is \"whsec_\" followed by base64 of 24 to 64 random bytes; leave it out to have one generated."];
        }

        if (errors.Count > 0)
        {
            return (null, false, errors);
        }

        var existing = await store.GetWebhookAsync(id, cancellationToken);
        if (existing is null && (await store.ListWebhooksAsync(cancellationToken)).Count >= options.Value.Push.MaxWebhooks)
        {
            return (null, false, new(StringComparer.Ordinal) { ["id"] = [$"At most {options.Value.Push.MaxWebhooks} webhooks (FeedProxy:Push:MaxWebhooks)."] });
        }

        var generated = body.Secret is null && existing is null ? StandardWebhookSignature.NewSecret() : null;
        var webhook = new Webhook(id, url!, [.. events.Distinct(StringComparer.Ordinal)], [.. collections.Distinct(StringComparer.Ordinal)],
            body.Secret ?? existing?.Secret ?? generated!, existing?.CreatedAt ?? time.GetUtcNow());
        var created = await store.PutWebhookAsync(webhook, cancellationToken);
        var view = await ViewAsync(await store.GetWebhookAsync(id, cancellationToken) ?? webhook, cancellationToken);
        return (view with { Secret = generated }, created, null);
    }

    public async Task<WebhookView?> GetAsync(string id, CancellationToken cancellationToken) =>
        await store.GetWebhookAsync(id, cancellationToken) is { } webhook ? await ViewAsync(webhook, cancellationToken) : null;

    public async Task<IReadOnlyList<WebhookView>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<WebhookView>();
        foreach (var webhook in await store.ListWebhooksAsync(cancellationToken))
        {
            list.Add(await ViewAsync(webhook, cancellationToken));
        }

        return list;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => store.DeleteWebhookAsync(id, cancellationToken);

    private async Task<WebhookView> ViewAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        var counts = await store.CountAsync(webhook.Id, cancellationToken);
        return new WebhookView(webhook.Id, webhook.Url.AbsoluteUri, webhook.Events, webhook.Collections, webhook.CreatedAt, null,
            new WebhookStatus(webhook.LastAttempt, webhook.LastSuccess, webhook.LastError, webhook.Failures, counts.Pending, counts.Delivered, counts.Failed));
    }

    /// <summary>
    /// An absolute http(s) URL without credentials whose host is not a loopback or private
    /// address literal (unless allowed like upstream sources are). Names are checked again on
    /// every connection by <see cref="AddressPolicy"/>, after DNS resolution.
    /// </summary>
    internal static Uri? CheckUrl(string? value, UpstreamOptions policy, out string? error)
    {
        error = null;
        if (value is null || value.Length > 2048 || !Uri.TryCreate(value, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            error = "An absolute http or https URL without credentials or fragment, at most 2048 characters.";
            return null;
        }

        if (!policy.AllowPrivateNetworks)
        {
            var host = url.IdnHost.Trim('[', ']');
            var literal = IPAddress.TryParse(host, out var address) ? address : null;
            var allowedNetworks = policy.AllowedNetworks.Select(n => IPNetwork.TryParse(n.Trim(), out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>();
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
                || (literal is not null && !AddressPolicy.IsPublic(literal) && !allowedNetworks.Any(n => n.Contains(literal))))
            {
                error = "The URL points to a loopback or private address; set FeedProxy__Upstream__AllowPrivateNetworks=true or FeedProxy__Upstream__AllowedNetworks for receivers on your own network.";
                return null;
            }
        }

        return url;
    }
}
