using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Formats.Changes;

/// <summary>How a change is worded in item titles and bodies, for every change feed format.</summary>
internal static class ChangeText
{
    private static readonly LocalDateTimePattern DayAndTime =
        LocalDateTimePattern.CreateWithInvariantCulture("ddd d MMM uuuu, HH':'mm");

    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    public static string Title(ChangeFeedItem item)
    {
        var change = item.Change;
        return change.Kind switch
        {
            ChangeKind.Added => "New: " + change.Title,
            ChangeKind.Cancelled => "Cancelled: " + change.Title,
            ChangeKind.Moved => "Moved: " + change.Title,
            ChangeKind.Retitled => $"Retitled: {change.Title} (was {change.OldTitle})",
            ChangeKind.Speakers => "Speakers changed: " + change.Title,
            _ => change.Title,
        };
    }

    /// <summary>Plain sentences; the writers escape them.</summary>
    public static string Body(ChangeFeedItem item)
    {
        var change = item.Change;
        var text = new StringBuilder();
        switch (change.Kind)
        {
            case ChangeKind.Added:
                text.Append("New in ").Append(item.EventName).Append(": ").Append(Slot(change.NewStart, change.NewEnd, change.NewRoom, item.Zone)).Append('.');
                break;
            case ChangeKind.Cancelled:
                text.Append("No longer on the schedule of ").Append(item.EventName).Append(" (was ")
                    .Append(Slot(change.OldStart, change.OldEnd, change.OldRoom, item.Zone)).Append(").");
                break;
            case ChangeKind.Moved:
                text.Append("Was ").Append(Slot(change.OldStart, change.OldEnd, change.OldRoom, item.Zone))
                    .Append("; now ").Append(Slot(change.NewStart, change.NewEnd, change.NewRoom, item.Zone)).Append('.');
                break;
            case ChangeKind.Retitled:
                text.Append("Was \"").Append(change.OldTitle).Append("\"; now \"").Append(change.Title).Append("\" (")
                    .Append(Slot(change.NewStart, change.NewEnd, change.NewRoom, item.Zone)).Append(").");
                break;
            case ChangeKind.Speakers:
                text.Append("Speakers were ").Append(change.OldSpeakers ?? "none").Append("; now ").Append(change.NewSpeakers ?? "none")
                    .Append(" (").Append(Slot(change.NewStart, change.NewEnd, change.NewRoom, item.Zone)).Append(").");
                break;
        }

        return text.ToString();
    }

    /// <summary>"Fri 26 Mar 2027, 09:00–09:45 (Europe/Berlin), Room A".</summary>
    private static string Slot(Instant? start, Instant? end, string? room, DateTimeZone zone)
    {
        if (start is not { } s)
        {
            return room ?? "time unknown";
        }

        var local = s.InZone(zone).LocalDateTime;
        var text = DayAndTime.Format(local);
        if (end is { } e && e > s)
        {
            var localEnd = e.InZone(zone).LocalDateTime;
            text += "–" + (localEnd.Date == local.Date ? Time.Format(localEnd.TimeOfDay) : DayAndTime.Format(localEnd));
        }

        text += string.Create(CultureInfo.InvariantCulture, $" ({zone.Id})");
        return room is null ? text : text + ", " + room;
    }
}
