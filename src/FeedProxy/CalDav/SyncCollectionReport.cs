using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>
/// sync-collection (RFC 6578 §3), sync-level 1. A token names a manifest in the sync history
/// (every object's name and ETag at that point); the answer is the difference to the current
/// manifest: each object whose bytes changed or that is new, with the asked-for properties,
/// and each object that is gone, as a 404 response (§3.5.2). An object whose bytes did not
/// change is never listed, whatever else changed. An unknown, expired or foreign token gets
/// 403 with DAV:valid-sync-token (§3.2), after which clients start again with an empty one.
/// DAV:limit is not supported: the whole difference is always returned (§3.6 allows a server
/// to answer in full when it does not truncate).
/// </summary>
internal sealed class SyncCollectionReport(ISyncHistory history)
{
    // Manifests never change (a token names one by its hash), so read ones are kept for the
    // next client holding the same token: most clients of a calendar sync from the same few.
    // Bounded by count; a miss only costs a store read.
    private const int MaxParsed = 64;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _parsed = new(StringComparer.Ordinal);

    public async Task<IResult> RunAsync(DavRequest request, DavResource calendar, XElement body)
    {
        // §3.2 defines the report for Depth: 0, but python-caldav and others send 1: the
        // collection has no child collections, so both mean the same here and both are answered.
        var level = body.Element(DavNames.SyncLevel)?.Value.Trim();
        if (level is not null && level != "1" && !string.Equals(level, "infinite", StringComparison.OrdinalIgnoreCase))
        {
            return DavXmlResult.Problem(StatusCodes.Status400BadRequest, "sync-level must be 1 or infinite.");
        }

        var index = calendar.Index!;
        var props = ReportHandler.Props(body);
        var token = body.Element(DavNames.SyncToken)?.Value.Trim() ?? string.Empty;
        var responses = new List<DavMember>();
        if (token.Length == 0)
        {
            // Initial synchronisation (§3.4): every member.
            responses.EnsureCapacity(index.Entries.Count);
            responses.AddRange(index.Entries.Select(e => ReportHandler.ObjectResponse(calendar, e, props)));
        }
        else
        {
            var hash = token.StartsWith(DavProperties.SyncTokenPrefix, StringComparison.Ordinal) ? token[DavProperties.SyncTokenPrefix.Length..] : null;
            if (hash != index.Token)
            {
                var before = hash is { Length: 32 } && hash.All(char.IsAsciiHexDigitLower)
                    ? await ManifestAsync(calendar.Calendar!.HistoryKey, hash, request.Aborted)
                    : null;
                if (before is null)
                {
                    return DavXmlResult.Error(StatusCodes.Status403Forbidden, DavNames.ValidSyncToken);
                }

                // Both manifests are sorted by name, and line i of the current one is entry i.
                var changed = new List<int>();
                var gone = new List<string>();
                ManifestDiff.Compare(before, index.Manifest.Span, changed, gone);
                responses.AddRange(changed.Select(i => ReportHandler.ObjectResponse(calendar, index.Entries[i], props)));
                responses.AddRange(gone.Select(name => DavMember.Gone(calendar.Tree.ObjectHref(calendar.Calendar!, name))));
            }
        }

        return new MultistatusResult(responses, request.Tree.IsPrivate, DavProperties.SyncTokenPrefix + index.Token);
    }

    private async ValueTask<byte[]?> ManifestAsync(string calendar, string hash, CancellationToken cancellationToken)
    {
        var key = calendar + "\u001f" + hash;
        if (_parsed.TryGetValue(key, out var parsed))
        {
            return parsed;
        }

        if (await history.GetAsync(calendar, hash, cancellationToken) is not { } bytes)
        {
            return null;
        }

        parsed = bytes;
        if (_parsed.Count >= MaxParsed)
        {
            _parsed.Clear();
        }

        _parsed[key] = parsed;
        return parsed;
    }
}
