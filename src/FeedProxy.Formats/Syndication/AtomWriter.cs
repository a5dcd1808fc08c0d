using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.Syndication;

/// <summary>Placeholder until the writer lands.</summary>
public sealed class AtomWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.Atom;

    public void Write(FeedDocument document, IBufferWriter<byte> output) => throw new NotSupportedException();
}
