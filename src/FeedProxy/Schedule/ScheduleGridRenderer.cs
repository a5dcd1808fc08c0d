using System.Globalization;
using FeedProxy.Pages;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Schedule;

/// <summary>
/// Renders the schedule grid: one column per room, one row per five minutes, each session a
/// block spanning its duration. Written with <see cref="HtmlBuilder"/> like the subscribe
/// page, so every data string is encoded in one place. In the DOM the sessions are grouped by
/// room in time order, so the phone layout (CSS only) is a per-room list and a screen reader
/// reads room by room. Session details are fragments shown by CSS <c>:target</c>: clicking a
/// block opens them without any script.
/// </summary>
internal static class ScheduleGridRenderer
{
    /// <summary>Minutes per grid row.</summary>
    internal const int SlotMinutes = 5;

    private static readonly LocalDatePattern DayLabel = LocalDatePattern.Create("ddd d MMM", CultureInfo.InvariantCulture);
    private static readonly LocalDatePattern LongDay = LocalDatePattern.Create("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
    private static readonly LocalTimePattern Clock = LocalTimePattern.Create("HH:mm", CultureInfo.InvariantCulture);

    public static byte[] Render(ScheduleGridModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var h = new HtmlBuilder();
        var theme = model.Theme;
        h.Raw("<!doctype html>\n<html lang=\"en\"").Raw(theme.Dark ? " data-theme=\"dark\"" : string.Empty).Raw("><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"robots\" content=\"noindex\">")
            .Raw("<title>Schedule: ").Text(model.Title).Raw(" – ").Text(LongDay.Format(model.Day)).Raw("</title><style>").Raw(ScheduleGridAssets.Css);
        if (theme.Accent is { } accent)
        {
            // Validated "#RRGGBB" (EmbedTheme), never raw input.
            h.Raw(":root,:root[data-theme=dark]{--accent:").Raw(accent).Raw(";--on-accent:").Raw(theme.OnAccent).Raw("}");
        }

        h.Raw("</style></head>\n<body>")
            .Raw("<a class=\"skip\" href=\"#grid\">Skip to the schedule</a>")
            .Raw("<main id=\"main\"").Attr("data-poll", model.PollPath).Raw(">");
        if (model.IsEmbed)
        {
            h.Raw("<h1 class=\"vh\">").Text(model.Title).Raw(": schedule</h1>");
        }
        else
        {
            h.Raw("<header><h1>").Text(model.Title).Raw("</h1><p class=\"meta\">Times in ").Text(model.Zone.Id)
                .Raw(". <a").Attr("href", model.SubscribePath).Raw(">Subscribe in your calendar</a></p></header>");
        }

        DaySwitcher(h, model);
        SearchForm(h, model);
        var today = model.Sessions.Where(s => s.Start.InZone(model.Zone).Date == model.Day).ToList();
        h.Raw("<p class=\"meta\" id=\"status\" role=\"status\">").Text(Count(today.Count)).Raw(" on ").Text(LongDay.Format(model.Day))
            .Raw(model.Search is not null ? " matching the search" : string.Empty).Raw(".</p>");
        Grid(h, model, today);
        Details(h, model, today);
        if (!model.IsEmbed)
        {
            Snippet(h, model);
        }

        h.Raw("\n</main><script>").Raw(ScheduleGridAssets.Script).Raw("</script></body></html>\n");
        return h.ToUtf8();
    }

    private static void DaySwitcher(HtmlBuilder h, ScheduleGridModel model)
    {
        if (model.Days.Count == 0)
        {
            return;
        }

        h.Raw("<nav class=\"days\" aria-label=\"Days\"><ul>");
        foreach (var day in model.Days)
        {
            var query = model.KeptQuery.Append(KeyValuePair.Create("day", LocalDatePattern.Iso.Format(day)));
            if (model.Search is { } search)
            {
                query = query.Append(KeyValuePair.Create("q", search));
            }

            h.Raw("<li><a").Attr("href", model.PagePath + QueryString(query));
            h.Flag("aria-current=\"page\"", day == model.Day);
            h.Raw("><time").Attr("datetime", LocalDatePattern.Iso.Format(day)).Raw(">").Text(DayLabel.Format(day)).Raw("</time></a></li>");
        }

        h.Raw("</ul></nav>");
    }

    private static void SearchForm(HtmlBuilder h, ScheduleGridModel model)
    {
        h.Raw("<form class=\"search\" role=\"search\" method=\"get\"").Attr("action", model.PagePath).Raw(">")
            .Raw("<label for=\"q\">Search titles, speakers, rooms</label>")
            .Raw("<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"200\"").Attr("value", model.Search).Raw(">");
        foreach (var (name, value) in model.KeptQuery.Append(KeyValuePair.Create("day", LocalDatePattern.Iso.Format(model.Day))))
        {
            h.Raw("<input type=\"hidden\"").Attr("name", name).Attr("value", value).Raw(">");
        }

        h.Raw("<button type=\"submit\">Search</button></form>");
    }

    private static void Grid(HtmlBuilder h, ScheduleGridModel model, List<GridSession> today)
    {
        if (today.Count == 0)
        {
            h.Raw("<div id=\"grid\" class=\"grid empty\" data-slots=\"0\"><p>No sessions to show on this day.</p></div>");
            return;
        }

        var first = FloorToHalfHour(today.Min(s => s.Start), model.Zone);
        var last = today.Max(s => s.End > s.Start ? s.End : s.Start + Duration.FromMinutes(SlotMinutes));
        var slots = (int)Math.Ceiling((last - first).TotalMinutes / SlotMinutes);
        var rooms = model.Rooms.Where(r => today.Any(s => (s.Room ?? NoRoom) == r)).ToList();
        h.Raw("<div id=\"grid\" class=\"grid\"")
            .Attr("style", string.Create(CultureInfo.InvariantCulture, $"grid-template-columns:4rem repeat({rooms.Count},minmax(9rem,1fr));grid-template-rows:auto repeat({slots},minmax(.6rem,auto))"))
            .Attr("data-first", first.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))
            .Attr("data-slot", SlotMinutes.ToString(CultureInfo.InvariantCulture))
            .Attr("data-slots", slots.ToString(CultureInfo.InvariantCulture)).Raw(">");

        for (var slot = 0; slot < slots; slot += 30 / SlotMinutes)
        {
            var time = (first + Duration.FromMinutes(slot * SlotMinutes)).InZone(model.Zone).TimeOfDay;
            h.Raw("<div class=\"time\" aria-hidden=\"true\"").Attr("style", $"grid-row:{Row(slot)}/span {30 / SlotMinutes}").Raw(">").Text(Clock.Format(time)).Raw("</div>");
        }

        var nowSlot = (int)Math.Floor((model.Now - first).TotalMinutes / SlotMinutes);
        h.Raw("<div id=\"now\" class=\"now\" aria-hidden=\"true\"").Attr("style", $"grid-row:{Row(Math.Clamp(nowSlot, 0, slots - 1))}")
            .Flag("hidden", nowSlot < 0 || nowSlot >= slots).Raw("><span>Now</span></div>");

        for (var column = 0; column < rooms.Count; column++)
        {
            var room = rooms[column];
            var headingId = "room-" + column.ToString(CultureInfo.InvariantCulture);
            h.Raw("<section class=\"room\"").Attr("aria-labelledby", headingId).Raw("><h2 class=\"rh\"").Attr("id", headingId)
                .Attr("style", $"grid-column:{column + 2};grid-row:1").Raw(">").Text(room).Raw("</h2>");
            foreach (var session in today.Where(s => (s.Room ?? NoRoom) == room))
            {
                var from = (int)Math.Floor((session.Start - first).TotalMinutes / SlotMinutes);
                var to = Math.Max(from + 1, (int)Math.Ceiling((session.End - first).TotalMinutes / SlotMinutes));
                var style = $"grid-column:{column + 2};grid-row:{Row(from)}/{Row(Math.Min(to, slots))}" + (session.Color is { } c ? ";--c:" + c : string.Empty);
                h.Raw("<article").Attr("class", session.Cancelled ? "s cancelled" : "s").Attr("style", style).Attr("data-room", room).Raw(">")
                    .Raw("<a").Attr("href", "#d-" + session.Key).Raw(">");
                TimeRange(h, session, model.Zone);
                h.Raw("<span class=\"sn\">");
                if (session.Cancelled)
                {
                    h.Raw("<span class=\"vh\">Cancelled: </span>");
                }

                h.Text(session.Title).Raw("</span><span class=\"sr meta\">").Text(session.Track).Raw("</span></a></article>");
            }

            h.Raw("</section>");
        }

        h.Raw("</div>");
    }

    private static void Details(HtmlBuilder h, ScheduleGridModel model, List<GridSession> today)
    {
        h.Raw("<div id=\"details\">");
        foreach (var session in today)
        {
            var id = "d-" + session.Key;
            h.Raw("<section class=\"detail\" tabindex=\"-1\" role=\"dialog\"").Attr("id", id).Attr("aria-labelledby", id + "-h").Raw(">")
                .Raw("<h3").Attr("id", id + "-h").Raw(">").Text(session.Title).Raw("</h3><p>");
            if (session.Cancelled)
            {
                h.Raw("<strong>Cancelled.</strong> ");
            }

            TimeRange(h, session, model.Zone);
            h.Text(session.Room is null ? null : "Room: " + session.Room).Raw("</p>");
            if (session.Track is not null || session.Type is not null)
            {
                h.Raw("<p class=\"meta\">").Text(string.Join(" · ", new[] { session.Track, session.Type }.Where(x => x is not null))).Raw("</p>");
            }

            if (session.Speakers.Count > 0)
            {
                h.Raw("<p>With ").Text(string.Join(", ", session.Speakers)).Raw("</p>");
            }

            if (session.Abstract is { } text)
            {
                h.Raw("<p>").Text(text.Length > 1500 ? text[..1500] + "…" : text).Raw("</p>");
            }

            h.Raw("<p class=\"actions\">");
            if (!session.Cancelled)
            {
                h.Raw("<a class=\"button\"").Attr("href", session.CalendarUrl).Raw(" download>Add to calendar</a>");
            }

            h.Raw("<a class=\"close\" href=\"#grid\">Close<span class=\"vh\"> the details of ").Text(session.Title).Raw("</span></a></p></section>");
        }

        h.Raw("</div>");
    }

    private static void Snippet(HtmlBuilder h, ScheduleGridModel model)
    {
        var snippet = $"<iframe src=\"{model.EmbedUrl}\" title=\"{model.Title} schedule\" width=\"100%\" height=\"700\" style=\"border:0\" loading=\"lazy\"></iframe>";
        h.Raw("<footer><h2>Embed this schedule</h2><p class=\"meta\">Paste this into another site's HTML. Add <code>theme=dark</code> or <code>accent=teal</code> to the URL to match it.</p>")
            .Raw("<label for=\"snippet\">Embed code</label><textarea id=\"snippet\" rows=\"3\" readonly>").Text(snippet).Raw("</textarea></footer>");
    }

    private static void TimeRange(HtmlBuilder h, GridSession session, DateTimeZone zone)
    {
        var start = session.Start.InZone(zone);
        var end = session.End.InZone(zone);
        h.Raw("<span class=\"st\"><time").Attr("datetime", OffsetDateTimePattern.ExtendedIso.Format(start.ToOffsetDateTime())).Raw(">").Text(Clock.Format(start.TimeOfDay)).Raw("</time>–<time")
            .Attr("datetime", OffsetDateTimePattern.ExtendedIso.Format(end.ToOffsetDateTime())).Raw(">").Text(Clock.Format(end.TimeOfDay)).Raw("</time></span> ");
    }

    /// <summary>Column title of sessions without a room.</summary>
    internal const string NoRoom = "Elsewhere";

    private static int Row(int slot) => slot + 2;

    private static Instant FloorToHalfHour(Instant instant, DateTimeZone zone)
    {
        var local = instant.InZone(zone).LocalDateTime;
        var floored = local.Date + new LocalTime(local.Hour, local.Minute < 30 ? 0 : 30);
        return zone.AtLeniently(floored).ToInstant();
    }

    private static string Count(int n) => n == 1 ? "1 session" : n.ToString(CultureInfo.InvariantCulture) + " sessions";

    internal static string QueryString(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var text = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return text.Length == 0 ? string.Empty : "?" + text;
    }
}
