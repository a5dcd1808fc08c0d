using System.Net;
using System.Net.Http.Headers;

namespace FeedProxy.Upstream;

/// <summary>One upstream answer: a body, or "not modified".</summary>
public sealed record FetchResult(bool NotModified, byte[] Body, string? ContentType, string? ETag, string? LastModified, TimeSpan? MaxAge, Uri FinalUrl);

/// <summary>The upstream answered, but not with something we can use (4xx/5xx, a redirect loop, too large).</summary>
public sealed class UpstreamException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Conditional GETs to upstreams (RFC 9110 §13.1: If-None-Match with the last ETag,
/// If-Modified-Since with the last Last-Modified). Redirects are followed here, not by the
/// handler, so that each hop is checked: http(s) only, at most 5, configured headers (secrets)
/// sent only to the origin they were declared for. Bodies are read up to the size cap; the
/// caller's token carries the time cap. Transport resilience (attempt timeouts, retries with
/// jitter, a circuit breaker per host) sits in the named HttpClient's pipeline.
/// </summary>
internal sealed class UpstreamFetcher(IHttpClientFactory clients, Microsoft.Extensions.Options.IOptions<FeedProxyOptions> options)
{
    public const string ClientName = "upstream";

    /// <summary>The client of push requests (<see cref="PushAsync"/>).</summary>
    public const string PushClientName = "push";
    private const int MaxRedirects = 5;

    private readonly UpstreamOptions _options = options.Value.Upstream;

    public async Task<FetchResult> GetAsync(Uri url, IReadOnlyDictionary<string, string> headers, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        var origin = url.GetLeftPart(UriPartial.Authority);
        var current = url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "text/calendar, application/calendar+xml, application/rss+xml, application/atom+xml, application/vnd.api+json, application/json, application/xml;q=0.9, */*;q=0.8");
            if (string.Equals(current.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            if (etag is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            }

            if (lastModified is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode))
            {
                if (hop >= MaxRedirects)
                {
                    throw new UpstreamException($"More than {MaxRedirects} redirects.");
                }

                var location = response.Headers.Location ?? throw new UpstreamException($"Redirect ({(int)response.StatusCode}) without a Location.");
                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                {
                    throw new UpstreamException("Redirect to a scheme other than http or https.");
                }

                current = next;
                continue;
            }

            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResult(true, [], null, etag, lastModified, MaxAge(response), current);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new UpstreamException($"The upstream answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            return new FetchResult(
                false,
                body,
                response.Content.Headers.ContentType?.MediaType,
                response.Headers.ETag?.ToString(),
                response.Content.Headers.LastModified is { } lm ? lm.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null,
                MaxAge(response),
                current);
        }
    }

    /// <summary>
    /// A push request (webhook delivery, WebSub verification or content distribution) through
    /// the push client: the same address policy as fetches, no redirects followed. Returns the
    /// status and at most <paramref name="maxAnswerBytes"/> of the answer (a verification
    /// echoes a short challenge; nothing else of an answer is used).
    /// </summary>
    public async Task<(int Status, byte[] Answer)> PushAsync(HttpRequestMessage request, int maxAnswerBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        var client = clients.CreateClient(PushClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        byte[] answer;
        try
        {
            answer = await ReadBoundedAsync(response.Content, cancellationToken, maxAnswerBytes).ConfigureAwait(false);
        }
        catch (UpstreamException)
        {
            answer = [];
        }

        return ((int)response.StatusCode, answer);
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken, long? cap = null)
    {
        var limit = cap ?? _options.MaxResponseBytes;
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new UpstreamException($"The upstream body is larger than {_options.MaxResponseMegabytes} MB.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new UpstreamException($"The upstream body is larger than {_options.MaxResponseMegabytes} MB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static TimeSpan? MaxAge(HttpResponseMessage response) =>
        response.Headers.CacheControl is { NoStore: false, NoCache: false, MaxAge: { } maxAge } ? maxAge : null;
}
