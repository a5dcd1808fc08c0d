using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Text;

namespace FeedProxy.Feeds;

/// <summary>
/// Writes a document in one format; compresses its codings twice: at a fast level for the
/// request that missed (<see cref="With"/>), and at the best level off the request path
/// (<see cref="Complete"/>), which replaces the fast bodies in the cache. Both carry the same
/// entity tag (the hash of the identity bytes plus the coding), so a client holding the tag of
/// a fast body gets 304 from the best one. That is sound only because no byte range of a
/// feed is ever served (Range is ignored, RFC 9110 section 14.2): the two bodies differ in bytes.
/// </summary>
internal static class FeedRenderer
{
    // Below this, compression overhead outweighs the saving.
    internal const int CompressionThreshold = 512;

    // Levels chosen by measurement (docs/benchmarks.md, "Fifth round: compressing rendered
    // codings"), on the 1.85 MB .ics of 1,000 sessions, CPU time relative to the levels used
    // before (zlib 3, 379 KB; Brotli 1, 376 KB). On the request path, zlib-ng's level 1 (its
    // "quick" strategy: 543 KB) costs 0.5x and Brotli quality 0 (410 KB) 0.5x: those bodies
    // answer only until the best ones replace them. Off the path, zlib level 6 is within
    // 0.4 % of `gzip -9` (344 KB against 343 KB) for 2.1x (level 9: 3.9x). Brotli quality 2
    // (364 KB) costs 1.9x; quality 5 (318 KB) 4-11x, which on two cores takes the core the
    // next miss needs when misses come back to back.
    private static readonly ZLibCompressionOptions FastGzip = new() { CompressionLevel = 1 };
    private const int FastBrotli = 0;
    private static readonly ZLibCompressionOptions BestGzip = new() { CompressionLevel = 6 };
    private const int BestBrotli = 2;

    // Renders expected to be this large are written twice (counted first): see RenderIdentity.
    private const int ExactAboveBytes = 8 * 1024 * 1024;
    private const int ExactAboveSessions = 4_096;

    /// <summary>Every coding at once (tools and tests; the server uses <see cref="RenderIdentity"/> and <see cref="Complete"/>).</summary>
    public static RenderedFeed Render(FeedDocument document, FeedFormat format) =>
        Complete(RenderIdentity(document, format));

    /// <summary>The identity bytes and their hash; the compressed codings are still to be made (<see cref="RenderedFeed.CodingsPending"/>).</summary>
    /// <param name="sizeHint">
    /// Expected length of the output (<see cref="RenderSizes"/>). A buffer that starts at its
    /// final size is allocated once; one that doubles its way up to 1.8 MB allocates and
    /// copies twice that on the large-object heap, whose budget is what starts gen2 collections.
    /// </param>
    public static RenderedFeed RenderIdentity(FeedDocument document, FeedFormat format, int sizeHint = 64 * 1024)
    {
        ArgumentNullException.ThrowIfNull(document);
        var writer = FeedWriters.For(format);
        if (sizeHint >= ExactAboveBytes || document.Sessions.Count >= ExactAboveSessions)
        {
            // Written twice: counted, then into an array of that size (and a little slack,
            // as a writer may ask for more room than it uses). A buffer doubling its way to
            // 50 MB holds the last two sizes at once and a quarter more than it needs, on the
            // large-object heap: ~95 MB at the peak of the largest import's .ics against ~50 MB.
            var counter = new CountingBufferWriter();
            writer.Write(document, counter);
            sizeHint = (int)Math.Min(Array.MaxLength, counter.Count + (64 * 1024));
        }
        else
        {
            sizeHint = Math.Clamp(sizeHint, 4 * 1024, RenderSizes.MaxHint);
        }

        var buffer = new ArrayBufferWriter<byte>(sizeHint);
        // iCalendar notes where each VEVENT lands as it writes it: a CalDAV index of this
        // render then splits the bytes without reading them again (RenderedFeed.Events).
        IReadOnlyList<Formats.ICalendar.EventSpan>? events = null;
        if (format == FeedFormat.ICalendar)
        {
            events = Formats.ICalendar.ICalendarWriter.WriteRecording(document, buffer);
        }
        else
        {
            writer.Write(document, buffer);
        }

        var identity = buffer.WrittenMemory;
        var hash = Base64Url(SHA256.HashData(identity.Span).AsSpan(0, 16));
        return new RenderedFeed(identity, default, default, hash, document.LastModified,
            codingsPending: identity.Length >= CompressionThreshold, events);
    }

    /// <summary>
    /// Any writer's output (change feeds too), hashed like feeds; its codings are still to be
    /// made, as for <see cref="RenderIdentity"/> (the pipeline makes them).
    /// </summary>
    public static RenderedFeed Render(Action<IBufferWriter<byte>> write, NodaTime.Instant lastModified)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        write(buffer);
        var identity = buffer.WrittenMemory;
        var hash = Base64Url(SHA256.HashData(identity.Span).AsSpan(0, 16));
        return new RenderedFeed(identity, default, default, hash, lastModified,
            codingsPending: identity.Length >= CompressionThreshold);
    }

    /// <summary>
    /// The feed with <paramref name="coding"/> added at the fast level (when it is one still
    /// to be made); it stays pending: <see cref="Complete"/> makes the cached codings.
    /// </summary>
    public static RenderedFeed With(RenderedFeed feed, ContentCoding coding)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!feed.CodingsPending || coding == ContentCoding.Identity || feed.Has(coding))
        {
            return feed;
        }

        var gzip = coding == ContentCoding.Gzip ? Compress(feed.Identity, FastGzip) : feed.Gzip;
        var brotli = coding == ContentCoding.Brotli ? Compress(feed.Identity, FastBrotli) : feed.Brotli;
        return new RenderedFeed(feed.Identity, gzip, brotli, feed.Hash, feed.LastModified, codingsPending: true, feed.Events);
    }

    /// <summary>
    /// The feed with every coding at the best level (those made fast are made again): the form
    /// that is cached. Costs several times the fast levels, so it runs off the request path.
    /// </summary>
    public static RenderedFeed Complete(RenderedFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!feed.CodingsPending)
        {
            return feed;
        }

        return new RenderedFeed(feed.Identity, Compress(feed.Identity, BestGzip), Compress(feed.Identity, BestBrotli), feed.Hash, feed.LastModified);
    }

    /// <summary>
    /// The feed with every coding, those still missing made at the fast level: what is cached
    /// when the background completions are too far behind to make the best ones (overload).
    /// </summary>
    public static RenderedFeed CompleteQuickly(RenderedFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!feed.CodingsPending)
        {
            return feed;
        }

        var gzip = feed.Has(ContentCoding.Gzip) ? feed.Gzip : Compress(feed.Identity, FastGzip);
        var brotli = feed.Has(ContentCoding.Brotli) ? feed.Brotli : Compress(feed.Identity, FastBrotli);
        return new RenderedFeed(feed.Identity, gzip, brotli, feed.Hash, feed.LastModified);
    }

    private static ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> identity, ZLibCompressionOptions options) =>
        Compress(identity, s => new GZipStream(s, options, leaveOpen: true));

    private static ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> identity, int brotliQuality)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(1024, identity.Length / 4));
        // A mutable local, not a using variable: the encoder is a struct with mutable state.
        var encoder = new BrotliEncoder(brotliQuality, BrotliWindow(identity.Length));
        var input = identity.Span;
        OperationStatus status;
        try
        {
            do
            {
                status = encoder.Compress(input, output.GetSpan(16 * 1024), out var consumed, out var written, isFinalBlock: true);
                input = input[consumed..];
                output.Advance(written);
            }
            while (status == OperationStatus.DestinationTooSmall);
        }
        finally
        {
            encoder.Dispose();
        }

        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException($"Brotli compression ended with {status}.");
        }

        return output.WrittenMemory;
    }

    /// <summary>
    /// The smallest Brotli window (log2, 10-22) that holds the whole input: the same matches
    /// as the default window (22, what BrotliStream uses), but the encoder's ring buffer is
    /// sized by it (twice the window: 8 MB at 22, 512 KB for the demo's 175 KB .ics). That
    /// native buffer, allocated and freed per compression, is what glibc's arenas kept.
    /// RFC 7932 section 9.1: the window size is in the stream header; decoders size to it.
    /// </summary>
    internal static int BrotliWindow(int length)
    {
        // The largest backward distance a window of 2^w allows is 2^w - 16 (RFC 7932 section 9.1).
        var window = 10;
        while (window < 22 && (1 << window) - 16 < length)
        {
            window++;
        }

        return window;
    }

    private static ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> input, Func<Stream, Stream> create)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(1024, input.Length / 4));
        using (var target = new BufferWriterStream(output))
        using (var compressor = create(target))
        {
            compressor.Write(input.Span);
        }

        return output.WrittenMemory;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
