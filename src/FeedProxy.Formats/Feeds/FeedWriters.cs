using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.JCal;
using FeedProxy.Formats.Syndication;
using FeedProxy.Formats.XCal;

namespace FeedProxy.Formats.Feeds;

/// <summary>The writer of each format. Writers are stateless; one instance serves all requests.</summary>
public static class FeedWriters
{
    private static readonly IFeedWriter[] Writers =
    [
        new ICalendarWriter(), new XCalWriter(), new RssWriter(), new AtomWriter(), new JCalWriter(),
    ];

    public static IFeedWriter For(FeedFormat format) => Writers[(int)format];

    /// <summary>Renders a document into a new array (tests, tools; the server uses pooled buffers).</summary>
    public static byte[] Render(FeedDocument document, FeedFormat format)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        For(format).Write(document, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
