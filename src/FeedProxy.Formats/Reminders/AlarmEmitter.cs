using FeedProxy.Formats.ICalendar;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;

namespace FeedProxy.Formats.Reminders;

/// <summary>
/// Writes the subscriber's reminders into a VEVENT: one VALARM per offset (RFC 5545 §3.6.6),
/// the properties a display alarm requires (ACTION, DESCRIPTION, TRIGGER) and nothing else,
/// so every reader accepts them. The same components reach xCal (RFC 6321 §3.4) and jCal
/// (RFC 7265 §3.4) through the calendar tree.
/// </summary>
internal static class AlarmEmitter
{
    public static void Emit(ICalendarSink sink, Session session, IReadOnlyList<Duration> alarms)
    {
        // A cancelled session reminds nobody: the VEVENT stays (STATUS:CANCELLED removes it
        // in subscribers), its alarms do not.
        if (alarms.Count == 0 || session.State == SessionState.Cancelled)
        {
            return;
        }

        var title = TextSanitizer.Text(session.Title) ?? "Session";
        foreach (var offset in alarms)
        {
            sink.BeginComponent("VALARM");
            sink.Text("ACTION", "DISPLAY");
            sink.Text("DESCRIPTION", title);
            sink.Property(new CalendarProperty("TRIGGER", CalendarValueType.Duration, new DurationValue(offset)));
            sink.EndComponent("VALARM");
        }
    }
}
