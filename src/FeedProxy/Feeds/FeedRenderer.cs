using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Text;

namespace FeedProxy.Feeds;

/// <summary>Writes a document in one format; compresses its codings (separately, so a cache miss can answer before all are done).</summary>
internal static class FeedRenderer
{
    // Below this, compression overhead outweighs the saving.
    internal const int CompressionThreshold = 512;

    // Renders expected to be this large are written twice (counted first): see RenderIdentity.
    private const int ExactAboveBytes = 8 * 1024 * 1024;
    private const int ExactAboveSessions = 4_096;
    private static readonly ZLibCompressionOptions GzipOptions = new() { CompressionLevel = 3 };
    private static readonly BrotliCompressionOptions BrotliOptions = new() { Quality = 1 };

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
        writer.Write(document, buffer);
        var identity = buffer.WrittenMemory;
        var hash = Base64Url(SHA256.HashData(identity.Span).AsSpan(0, 16));
        return new RenderedFeed(identity, default, default, hash, document.LastModified,
            codingsPending: identity.Length >= CompressionThreshold);
    }

    /// <summary>Any writer's output (change feeds too) with every coding, hashed and compressed like feeds.</summary>
    public static RenderedFeed Render(Action<IBufferWriter<byte>> write, NodaTime.Instant lastModified)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        write(buffer);
        var identity = buffer.WrittenMemory;
        var hash = Base64Url(SHA256.HashData(identity.Span).AsSpan(0, 16));
        return Complete(new RenderedFeed(identity, default, default, hash, lastModified,
            codingsPending: identity.Length >= CompressionThreshold));
    }

    /// <summary>The feed with <paramref name="coding"/> added (when it is one still to be made).</summary>
    public static RenderedFeed With(RenderedFeed feed, ContentCoding coding)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!feed.CodingsPending || coding == ContentCoding.Identity || feed.Has(coding))
        {
            return feed;
        }

        var gzip = coding == ContentCoding.Gzip ? Gzip(feed.Identity) : feed.Gzip;
        var brotli = coding == ContentCoding.Brotli ? Brotli(feed.Identity) : feed.Brotli;
        return new RenderedFeed(feed.Identity, gzip, brotli, feed.Hash, feed.LastModified,
            codingsPending: gzip.IsEmpty || brotli.IsEmpty);
    }

    /// <summary>The feed with every coding it should have.</summary>
    public static RenderedFeed Complete(RenderedFeed feed) => With(With(feed, ContentCoding.Brotli), ContentCoding.Gzip);

    // Levels chosen by measurement (docs/benchmarks.md, `breakdown`): on a 1.8 MB feed, zlib
    // level 3 and Brotli quality 1 cost ~20 ms together against ~55 ms at "Optimal", for
    // bodies ~12% larger.
    private static ReadOnlyMemory<byte> Gzip(ReadOnlyMemory<byte> identity) =>
        Compress(identity, static s => new GZipStream(s, GzipOptions, leaveOpen: true));

    private static ReadOnlyMemory<byte> Brotli(ReadOnlyMemory<byte> identity) =>
        Compress(identity, static s => new BrotliStream(s, BrotliOptions, leaveOpen: true));

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
