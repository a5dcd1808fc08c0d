using System.Buffers;

namespace FeedProxy.Formats.Feeds;

/// <summary>
/// Writes one representation of a <see cref="FeedDocument"/> as UTF-8 (no BOM).
/// Implementations are stateless and thread-safe.
/// </summary>
public interface IFeedWriter
{
    FeedFormat Format { get; }

    void Write(FeedDocument document, IBufferWriter<byte> output);
}
