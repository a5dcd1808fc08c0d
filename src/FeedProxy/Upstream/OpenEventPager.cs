using FeedProxy.Formats.Upstream;
using Microsoft.Extensions.Options;

namespace FeedProxy.Upstream;

/// <summary>
/// Reads an Open Event Server event: its document, then its sessions page by page, sorted by id
/// (<see cref="OpenEventApiReader.SessionsUrl"/>). A page list read while the organiser edits
/// can still be torn (a session added or deleted between two page reads shifts the pages), so
/// the distinct ids read are checked against the server's <c>meta.count</c> of every page, and
/// the list is read once more when they disagree. When the upstream gave validators for every
/// request last time, one conditional round comes first: all 304 is "not modified" (RFC 9110
/// §13.1; the server's ETags are weak, which If-None-Match compares weakly, §13.1.2).
/// </summary>
internal sealed class OpenEventPager(UpstreamFetcher fetcher, IOptions<FeedProxyOptions> options)
{
    private readonly UpstreamOptions _options = options.Value.Upstream;

    /// <summary>The event document and its pages (or "not modified" and no bodies); the result's ETag holds every request's validators.</summary>
    public async Task<(FetchResult Result, List<byte[]> Bodies)> FetchAsync(SourceDefinition definition, SourceStatus previous, CancellationToken cancellationToken)
    {
        var eventUrl = OpenEventApiReader.EventUrl(definition.Url);

        // Any 200 means a full read (a page's body cannot be rebuilt from a 304), whose bodies are
        // then compared by content: the fallback for upstreams that send no validators.
        if (RequestValidators.DecodeComplete(previous.ETag) is { } known && known.Count <= OpenEventApiReader.MaxPages + 1)
        {
            var first = await fetcher.GetAsync(eventUrl, definition.Headers, known[0].ETag, known[0].LastModified, cancellationToken).ConfigureAwait(false);
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

        var read = await ReadAllAsync(eventUrl, definition, cancellationToken).ConfigureAwait(false);
        if (!read.Consistent)
        {
            // Edited while we read: once more; a second torn read is taken as it is (the next
            // refresh reads again), rather than failing a source that is merely busy.
            read = await ReadAllAsync(eventUrl, definition, cancellationToken).ConfigureAwait(false);
        }

        return (read.Main with { ETag = RequestValidators.Encode(read.Validators), LastModified = null }, read.Bodies);
    }

    private async Task<FullRead> ReadAllAsync(Uri eventUrl, SourceDefinition definition, CancellationToken cancellationToken)
    {
        var main = await fetcher.GetAsync(eventUrl, definition.Headers, null, null, cancellationToken).ConfigureAwait(false);
        var bodies = new List<byte[]> { main.Body };
        var validators = new List<(string?, string?)> { (main.ETag, main.LastModified) };
        var total = (long)main.Body.Length;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var counts = new HashSet<long>();
        var counted = true;
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

            var described = OpenEventApiReader.Describe(next.Body);
            ids.UnionWith(described.Ids);
            if (described.Count is { } count)
            {
                counts.Add(count);
            }
            else
            {
                counted = false;
            }

            if (!described.HasNext)
            {
                break;
            }
        }

        // Without a count on every page there is nothing to check against.
        var consistent = !counted || (counts.Count == 1 && counts.First() == ids.Count);
        return new FullRead(main, bodies, validators, consistent);
    }

    private sealed record FullRead(FetchResult Main, List<byte[]> Bodies, List<(string?, string?)> Validators, bool Consistent);
}
