using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.ICalendar;

/// <summary>Placeholder until the writer lands.</summary>
public sealed class ICalendarWriter : IFeedWriter
{
    public FeedFormat Format => FeedFormat.ICalendar;

    public void Write(FeedDocument document, IBufferWriter<byte> output) => throw new NotSupportedException();
}
