using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.XCal;

/// <summary>Placeholder until the writer lands.</summary>
public sealed class XCalWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.XCal;

    public void Write(FeedDocument document, IBufferWriter<byte> output) => throw new NotSupportedException();
}
