using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Text;

namespace FeedProxy.Feeds;

/// <summary>Writes a document in one format and precompresses it.</summary>
internal static class FeedRenderer
{
    // Below this, compression overhead outweighs the saving.
    private const int CompressionThreshold = 512;

    public static RenderedFeed Render(FeedDocument document, FeedFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        FeedWriters.For(format).Write(document, buffer);
        var identity = buffer.WrittenMemory;
        var hash = Base64Url(SHA256.HashData(identity.Span).AsSpan(0, 16));
        ReadOnlyMemory<byte> gzip = default, brotli = default;
        if (identity.Length >= CompressionThreshold)
        {
            gzip = Compress(identity, static s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true));
            brotli = Compress(identity, static s => new BrotliStream(s, CompressionLevel.Optimal, leaveOpen: true));
        }

        return new RenderedFeed(identity, gzip, brotli, hash, document.LastModified);
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
