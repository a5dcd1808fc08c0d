using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FeedProxy.Ceiling;

/// <summary>
/// Captured representations by request path, served as cheaply as Kestrel allows: a
/// dictionary lookup, an ordinal If-None-Match or If-Modified-Since comparison (a date parse
/// only when the client sends another date than the Last-Modified it was given),
/// and a write of bytes already in memory. This is the floor of any feed server's
/// per-request cost on this machine, not a feed server.
/// </summary>
internal sealed class CapturedFeeds
{
    private static readonly string[] Skipped = ["date", "server", "content-length", "transfer-encoding", "connection", "keep-alive"];
    private readonly Dictionary<string, (Variant Identity, Variant? Gzip)> _byPath = new(StringComparer.Ordinal);

    public int Count => _byPath.Count;

    public static CapturedFeeds Load(string directory)
    {
        var feeds = new CapturedFeeds();
        foreach (var headersFile in Directory.EnumerateFiles(directory, "*.headers", SearchOption.AllDirectories))
        {
            var bodyFile = headersFile[..^".headers".Length];
            if (bodyFile.EndsWith(".gz", StringComparison.Ordinal))
            {
                continue;
            }

            var path = "/" + Path.GetRelativePath(directory, bodyFile).Replace('\\', '/');
            var gzipFile = bodyFile + ".gz";
            feeds._byPath[path] = (Variant.Read(bodyFile), File.Exists(gzipFile + ".headers") ? Variant.Read(gzipFile) : null);
        }

        return feeds;
    }

    public Task ServeAsync(HttpContext context)
    {
        if (!_byPath.TryGetValue(context.Request.Path.Value ?? string.Empty, out var feed))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var request = context.Request.Headers;
        var variant = feed.Gzip is { } gzip && request.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal) ? gzip : feed.Identity;
        var response = context.Response;
        var ifNoneMatch = request.IfNoneMatch;
        var notModified = ifNoneMatch.Count > 0
            ? string.Equals(ifNoneMatch.ToString(), variant.ETag, StringComparison.Ordinal)
            : request.IfModifiedSince.Count > 0
                && (string.Equals(request.IfModifiedSince.ToString(), variant.LastModifiedText, StringComparison.Ordinal)
                    || (HeaderUtilities.TryParseDate(request.IfModifiedSince.ToString(), out var since) && variant.LastModified <= since));
        if (notModified)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.Headers.ETag = variant.ETag;
            response.Headers.CacheControl = variant.CacheControl;
            response.Headers.Vary = variant.Vary;
            return Task.CompletedTask;
        }

        foreach (var (name, value) in variant.Headers)
        {
            response.Headers[name] = value;
        }

        response.ContentLength = variant.Body.Length;
        return WriteAsync(response, variant.Body, context.RequestAborted);
    }

    // Into the response pipe directly; large bodies in 64 KB slices so each connection
    // buffers one slice at a time (the fastest of the write strategies FeedProxy measured).
    private static async Task WriteAsync(HttpResponse response, byte[] body, CancellationToken aborted)
    {
        const int Slice = 64 * 1024;
        if (body.Length <= 8 * Slice)
        {
            await response.BodyWriter.WriteAsync(body, aborted);
            return;
        }

        for (var offset = 0; offset < body.Length; offset += Slice)
        {
            var flush = await response.BodyWriter.WriteAsync(body.AsMemory(offset, Math.Min(Slice, body.Length - offset)), aborted);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
    }

    private sealed record Variant(byte[] Body, KeyValuePair<string, StringValues>[] Headers, string ETag, string CacheControl, string Vary, string LastModifiedText, DateTimeOffset LastModified)
    {
        public static Variant Read(string bodyFile)
        {
            var headers = new List<KeyValuePair<string, StringValues>>();
            foreach (var line in File.ReadAllLines(bodyFile + ".headers"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || line.StartsWith("HTTP/", StringComparison.Ordinal))
                {
                    continue;
                }

                var name = line[..colon].Trim();
                if (!Skipped.Contains(name.ToLowerInvariant()))
                {
                    headers.Add(new(name, line[(colon + 1)..].Trim()));
                }
            }

            string Header(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value.ToString();
            if (!HeaderUtilities.TryParseDate(Header("Last-Modified"), out var lastModified))
            {
                lastModified = DateTimeOffset.MaxValue; // no validator: never 304 on a date
            }

            return new Variant(File.ReadAllBytes(bodyFile), [.. headers], Header("ETag"), Header("Cache-Control"), Header("Vary"), Header("Last-Modified"), lastModified);
        }
    }
}
