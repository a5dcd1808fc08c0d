using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.JCal;

/// <summary>Placeholder until the writer lands.</summary>
public sealed class JCalWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.JCal;

    public void Write(FeedDocument document, IBufferWriter<byte> output) => throw new NotSupportedException();
}
