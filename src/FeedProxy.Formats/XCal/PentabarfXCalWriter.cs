using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.XCal;

/// <summary>Placeholder until the writer lands.</summary>
public static class PentabarfXCalWriter
{
    public static void Write(FeedDocument document, IBufferWriter<byte> output) => throw new NotSupportedException();
}
