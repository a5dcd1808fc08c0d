using System.Globalization;
using System.Text;

namespace FeedProxy.Testing;

/// <summary>
/// A small self-written iCalendar upstream (no real data needed): <paramref name="count"/>
/// one-hour events a day apart from 2027-03-01, the first one titled <paramref name="firstTitle"/>.
/// </summary>
internal static class SmallCalendar
{
    public static string Ics(string firstTitle = "Opening", int count = 3, string? extra = null)
    {
        var text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//small//EN\r\n");
        for (var i = 0; i < count; i++)
        {
            var day = new DateTime(2027, 3, 1 + i, 9, 0, 0, DateTimeKind.Utc);
            text.Append("BEGIN:VEVENT\r\n")
                .Append(CultureInfo.InvariantCulture, $"UID:small-{i}@tests.example\r\n")
                .Append(CultureInfo.InvariantCulture, $"DTSTAMP:20270101T000000Z\r\n")
                .Append(CultureInfo.InvariantCulture, $"DTSTART:{day:yyyyMMdd'T'HHmmss'Z'}\r\n")
                .Append(CultureInfo.InvariantCulture, $"DTEND:{day.AddHours(1):yyyyMMdd'T'HHmmss'Z'}\r\n")
                .Append(CultureInfo.InvariantCulture, $"SUMMARY:{(i == 0 ? firstTitle : "Talk " + i)}\r\n")
                .Append("END:VEVENT\r\n");
        }

        return text.Append(extra ?? string.Empty).Append("END:VCALENDAR\r\n").ToString();
    }
}
