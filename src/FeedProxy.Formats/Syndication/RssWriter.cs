using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.Syndication;

/// <summary>Placeholder until the writer lands.</summary>
public sealed class RssWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.Rss;

    public void Write(FeedDocument document, IBufferWriter<byte> output) => throw new NotSupportedException();
}
