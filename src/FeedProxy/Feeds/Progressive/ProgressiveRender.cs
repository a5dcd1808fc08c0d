using System.Buffers;
using System.Security.Cryptography;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Text;

namespace FeedProxy.Feeds.Progressive;

/// <summary>
/// Renders a large feed on the request thread while a second thread hashes it, and compresses
/// it in the coding the request asked for, block by block as it is written. A cold miss then
/// costs about the longer of the render and the compression, not their sum (docs/benchmarks.md,
/// "Cold path, fourth pass"). The output is byte for byte what <see cref="FeedRenderer"/> makes
/// one step after the other: the compressor gets the same fixed-size blocks either way.
/// <para>
/// The second half runs on a thread of its own. When that thread has not started before the
/// render ends (a busy machine), the request thread does the work itself, so a render never
/// waits for a thread to start.
/// </para>
/// </summary>
internal static class ProgressiveRender
{
    /// <summary>Expected sizes below this (two blocks) are rendered one step after the other: too little to share.</summary>
    public const int MinimumSize = 2 * ProgressiveBufferWriter.BlockSize;

    public static async Task<RenderedFeed> RenderAsync(FeedDocument document, FeedFormat format, int sizeHint, ContentCoding wanted)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var writer = new ProgressiveBufferWriter(Math.Clamp(sizeHint, 4 * 1024, RenderSizes.MaxHint));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var compressed = wanted == ContentCoding.Identity ? null : new ArrayBufferWriter<byte>(Math.Max(1024, sizeHint / 4));
        var compressor = compressed is null ? null : FeedRenderer.Compressor(wanted, new BufferWriterStream(compressed));
        var reader = new Reader(writer, hash, compressor);
        // A thread of its own: a pool thread queued from here would, on a busy or small
        // machine, often start only once the render is over (measured: always, on 2 cores).
        var reading = Task.Factory.StartNew(reader.RunIfUnclaimed, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            FeedWriters.For(format).Write(document, writer);
        }
        finally
        {
            writer.Complete();
            reader.RunIfUnclaimed();
            await reading.ConfigureAwait(false);
            compressor?.Dispose();
        }

        var identity = writer.WrittenMemory;
        var tag = FeedRenderer.Base64Url(hash.GetHashAndReset().AsSpan(0, 16));
        if (identity.Length < FeedRenderer.CompressionThreshold)
        {
            return new RenderedFeed(identity, default, default, tag, document.LastModified);
        }

        var body = compressed?.WrittenMemory ?? default;
        return new RenderedFeed(identity,
            wanted == ContentCoding.Gzip ? body : default,
            wanted == ContentCoding.Brotli ? body : default,
            tag, document.LastModified, codingsPending: true);
    }

    /// <summary>The second half, run once: by a pool thread if one gets to it first, else by the request thread.</summary>
    private sealed class Reader(ProgressiveBufferWriter writer, IncrementalHash hash, Stream? compressor)
    {
        private int _claimed;

        public void RunIfUnclaimed()
        {
            if (Interlocked.Exchange(ref _claimed, 1) == 0)
            {
                writer.ReadAll(Consume);
            }
        }

        private void Consume(ReadOnlyMemory<byte> block)
        {
            hash.AppendData(block.Span);
            compressor?.Write(block.Span);
        }
    }
}
