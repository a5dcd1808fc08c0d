using System.Buffers;
using FeedProxy.Formats.Feeds;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// The reference iCalendar path: the whole <see cref="CalendarBuilder"/> tree, then its text.
/// Not used to serve feeds; tests compare the streaming writer against it byte for byte, and
/// the render benchmark runs both.
/// </summary>
internal static class ICalendarReference
{
    public static void Write(FeedDocument document, IBufferWriter<byte> output) =>
        ICalendarWriter.Write(CalendarBuilder.Build(document), output);
}
