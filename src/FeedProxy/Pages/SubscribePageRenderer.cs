using System.Globalization;
using System.Text.RegularExpressions;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Pages;

/// <summary>
/// Renders the subscribe page. One column on phones, landmarks and headings in order
/// (h1, h2, h3), every control labelled, every data string encoded by <see cref="HtmlBuilder"/>.
/// </summary>
internal static partial class SubscribePageRenderer
{
    private static readonly LocalDatePattern LongDate = LocalDatePattern.Create("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
    private static readonly LocalDatePattern IsoDate = LocalDatePattern.Iso;
    private static readonly LocalTimePattern Time = LocalTimePattern.Create("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Every representation offered, in the order listed: (label, extension, query).</summary>
    internal static readonly (string Label, string Extension, string? Query)[] Formats =
    [
        ("iCalendar (.ics)", "ics", null),
        ("iCalendar, times in UTC", "ics", "tz=utc"),
        ("xCal, RFC 6321 (.xcs)", "xcs", null),
        ("xCal for conference apps such as Giggity", "xcs", "dialect=pentabarf"),
        ("RSS 2.0", "rss", null),
        ("Atom", "atom", null),
        ("jCal, JSON (.json)", "json", null),
    ];

    /// <summary>
    /// The campus app integration's item shape (item dates are session times, not publication
    /// dates): listed apart, for campus apps, so feed-reader users do not pick it.
    /// </summary>
    internal static readonly (string Label, string Extension, string? Query)[] CampusFormats =
    [
        ("RSS 2.0 for campus apps", "rss", "profile=campus"),
        ("Atom for campus apps", "atom", "profile=campus"),
    ];

    /// <summary>Up to this many sessions every day is shown open; beyond it the days fold and the day index leads to them.</summary>
    internal const int OpenDaysUpTo = 40;

    public static byte[] Render(SubscribePageModel model)
    {
        var h = new HtmlBuilder();
        var name = model.Event.Name;
        h.Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"robots\" content=\"noindex\">")
            .Raw("<title>Subscribe: ").Text(name).Raw("</title>");

        // Feed readers find the change feed from the page URL (RSS autodiscovery); a private
        // page names its own, under the same token.
        h.Raw("<link rel=\"alternate\" type=\"application/rss+xml\"").Attr("title", "Changes: " + name).Attr("href", model.FeedStem + "/changes.rss").Raw(">")
            .Raw("<link rel=\"alternate\" type=\"application/atom+xml\"").Attr("title", "Changes: " + name).Attr("href", model.FeedStem + "/changes.atom").Raw(">");

        h.Raw("<style>").Raw(PageAssets.Css).Raw("</style></head>\n<body>")
            .Raw("<a class=\"skip\" href=\"#subscribe\">Skip to the subscribe links</a><main>");

        Header(h, model);
        if (model.LinksAreLocalOnly)
        {
            // No link in it: the first Tab stops stay the skip link and the subscribe button.
            h.Raw("\n<p class=\"hint\" id=\"operator-hint\"><strong>Note for the operator:</strong> the links and the QR code on this page point at <code>")
                .Text(new Uri(model.FeedStem).Authority)
                .Raw("</code>, which only this computer can reach: phones, Google Calendar and Outlook.com cannot. Set <code>FeedProxy__PublicBaseUrl</code> to the server's public address (for example <code>https://feeds.example.org/</code>).</p>");
        }
        if (model.AgendaStem is { } agenda)
        {
            h.Raw("\n<section id=\"agenda\" aria-labelledby=\"agenda-h\"><h2 id=\"agenda-h\">Your agenda (")
                .Text(model.AgendaCount.ToString(CultureInfo.InvariantCulture)).Raw(model.AgendaCount == 1 ? " session)" : " sessions)").Raw("</h2>")
                .Raw("<p>A live feed of the sessions you chose: changes to them reach your calendar. Keep this link; it is the only way back to this agenda.</p>");
            SubscribeBlock(h, agenda + ".ics", name + " (my agenda)", "agenda");
            FormatList(h, agenda, [], "agenda-formats", "Agenda in other formats");
            h.Raw("</section>");
        }

        var query = model.FilterQuery;
        var feed = FeedUrl(model.FeedStem, "ics", WithAlarm(query, model.Alarm), null);
        h.Raw("\n<section id=\"subscribe\" aria-labelledby=\"subscribe-h\"><h2 id=\"subscribe-h\">")
            .Raw(query.Count > 0 ? "Subscribe to your selection" : "Subscribe to the whole schedule").Raw("</h2>");
        if (query.Count > 0)
        {
            h.Raw("<p>Showing ").Text(Count(model.Sessions.Count)).Raw(" matching ").Text(Describe(model)).Raw(". ")
                .Raw("<a").Attr("href", model.PagePath + "#subscribe").Raw(">Clear the selection</a></p>");
        }

        // The QR code sits beside the buttons (below them on a phone), near the top of the page.
        h.Raw("<div class=\"subscribe-grid\"><div>");
        SubscribeBlock(h, feed, query.Count > 0 ? $"{name} ({Describe(model)})" : name, "main");
        h.Raw("</div><div id=\"qr\"><h3 id=\"qr-h\">On a phone</h3>")
            .Raw("<p class=\"note\">Scan this code with the phone's camera to open the calendar link there.</p>")
            .Raw("<figure class=\"qr\" role=\"img\"").Attr("aria-label", "QR code of " + feed).Raw(">")
            .Raw(QrCodeSvg.Create(feed)).Raw("</figure></div></div>");
        h.Raw("</section>");

        CalDavAccount(h, model);
        Tracks(h, model);
        FilterForm(h, model);
        SessionList(h, model);
        h.Raw("\n<section id=\"formats\" aria-labelledby=\"formats-h\"><h2 id=\"formats-h\">All formats</h2>")
            .Raw("<p class=\"note\">The same live data for other apps and feed readers.</p>");
        FormatList(h, model.FeedStem, query, "format-list", null, model.Alarm);
        h.Raw("<p id=\"changes\">Follow changes in a feed reader (sessions added, cancelled, moved, retitled, new speakers): <a")
            .Attr("href", model.FeedStem + "/changes.rss").Raw(">RSS</a>, <a").Attr("href", model.FeedStem + "/changes.atom").Raw(">Atom</a>.</p>");

        h.Raw("</section>");

        h.Raw("\n</main><script>").Raw(PageAssets.Script).Raw("</script></body></html>\n");
        return h.ToUtf8();
    }

    /// <summary>
    /// CalDAV instead of a subscription: apps that speak it fetch only what changed. One
    /// account shows every public calendar of this server (or, under a token, this one).
    /// </summary>
    private static void CalDavAccount(HtmlBuilder h, SubscribePageModel model)
    {
        if (model.CalDavAccountUrl is not { } account)
        {
            return;
        }

        h.Raw("\n<section id=\"caldav\" aria-labelledby=\"caldav-h\"><h2 id=\"caldav-h\">Add as CalDAV account</h2>")
            .Raw("<p>Calendar apps that speak CalDAV download only the sessions that changed instead of the whole calendar. Add a CalDAV account with this server address; no user name or password is needed (enter any, or leave them empty, if the app insists):</p>")
            .Raw("<p><code id=\"caldav-url\">").Text(account).Raw("</code></p><ul>")
            .Raw("<li><strong>DAVx⁵</strong> (Android): Add account, <em>Login with URL and user name</em>, the address above.</li>")
            .Raw("<li><strong>Thunderbird</strong>: New Calendar, <em>On the Network</em>, the address above as location, <em>Find Calendars</em>.</li>")
            .Raw("<li><strong>Apple Calendar</strong> (macOS): Settings, Accounts, +, <em>Other CalDAV Account</em>, account type <em>Manual</em>, the address above as server.</li>")
            .Raw("</ul><p class=\"note\">This calendar alone: <code>").Text(model.CalDavCalendarUrl ?? account).Raw("</code>. Read only: changes are made where the schedule is kept.</p></section>");
    }

    private static void Header(HtmlBuilder h, SubscribePageModel model)
    {
        var schedule = model.Event;
        h.Raw("<header><h1>").Text(schedule.Name).Raw("</h1>");
        if (model.AllSessions.Count > 0)
        {
            var first = model.AllSessions.Min(s => s.Start.InZone(model.Zone).Date);
            var last = model.AllSessions.Max(s => s.End.InZone(model.Zone).Date);
            h.Raw("<p class=\"meta\"><time").Attr("datetime", IsoDate.Format(first)).Raw(">").Text(LongDate.Format(first)).Raw("</time>");
            if (last != first)
            {
                h.Raw(" – <time").Attr("datetime", IsoDate.Format(last)).Raw(">").Text(LongDate.Format(last)).Raw("</time>");
            }

            h.Raw("</p>");
        }

        h.Raw("<p class=\"meta\">Times in ").Text(model.Zone.Id).Raw(". Your calendar shows them in your own time zone.</p>");
        if (schedule.Venue is { } venue)
        {
            h.Raw("<p class=\"meta\">").Text(venue.Name);
            if (!string.IsNullOrWhiteSpace(venue.Address))
            {
                h.Raw(", ").Text(venue.Address);
            }

            h.Raw("</p>");
        }

        h.Raw("</header>");
    }

    /// <summary>One-click subscribe buttons for each calendar app, the Google steps and a copyable link.</summary>
    private static void SubscribeBlock(HtmlBuilder h, string url, string calendarName, string id)
    {
        var outlook = "https://outlook.live.com/calendar/0/addfromweb?url=" + Uri.EscapeDataString(url)
            + "&name=" + Uri.EscapeDataString(calendarName);
        h.Raw("<ul class=\"actions\">")
            .Raw("<li><a class=\"button\"").Attr("href", Webcal(url)).Raw(">Apple Calendar, Outlook, Thunderbird</a></li>")
            .Raw("<li><a class=\"button secondary\"").Attr("href", outlook).Raw(">Outlook.com</a></li>")
            .Raw("<li><a class=\"button secondary\" href=\"https://calendar.google.com/calendar/r/settings/addbyurl\">Google Calendar</a></li>")
            .Raw("</ul>")
            .Raw("<p class=\"note\">Google Calendar: copy the link below, then in Google Calendar choose ")
            .Raw("<strong>Settings → Add calendar → From URL</strong>, paste it and choose <strong>Add calendar</strong>.</p>")
            .Raw("<label").Attr("for", id + "-url").Raw(">Calendar link</label><div class=\"copy\"><input type=\"url\" readonly")
            .Attr("id", id + "-url").Attr("value", url).Raw("><button type=\"button\" hidden").Attr("data-copy", id + "-url").Raw(">Copy</button></div>");
    }

    private static void FormatList(HtmlBuilder h, string stem, IReadOnlyList<KeyValuePair<string, string>> query, string id, string? heading, string? alarm = null)
    {
        if (heading is not null)
        {
            h.Raw("<h3>").Text(heading).Raw("</h3>");
        }

        FormatItems(h, stem, query, id, Formats, alarm);
        h.Raw(heading is null ? "<h3>" : "<h4>").Raw("For campus apps").Raw(heading is null ? "</h3>" : "</h4>")
            .Raw("<p class=\"note\">The item shape of the campus app integration: item dates are the session times, so feed readers would sort and date them oddly.</p>");
        FormatItems(h, stem, query, id + "-campus", CampusFormats);
    }

    private static void FormatItems(HtmlBuilder h, string stem, IReadOnlyList<KeyValuePair<string, string>> query, string id, (string Label, string Extension, string? Query)[] formats, string? alarm = null)
    {
        h.Raw("<ul class=\"formats\"").Attr("id", id).Raw(">");
        foreach (var (label, extension, extra) in formats)
        {
            // Reminders exist where VALARM does: iCalendar, jCal and RFC 6321 xCal.
            var hasAlarms = extension is "ics" or "json" || (extension == "xcs" && extra is null);
            var url = FeedUrl(stem, extension, hasAlarms ? WithAlarm(query, alarm) : query, extra);
            h.Raw("<li><span class=\"label\">").Text(label).Raw("</span><a").Attr("href", url).Raw(">").Text(url).Raw("</a></li>");
        }

        h.Raw("</ul>");
    }

    /// <summary>Each track with its own subscribe button: one tap from the page to a one-track subscription.</summary>
    private static void Tracks(HtmlBuilder h, SubscribePageModel model)
    {
        var tracks = Distinct(model.AllSessions.Select(s => s.Track), t => t.Id);
        if (tracks.Count == 0)
        {
            return;
        }

        h.Raw("\n<section id=\"tracks\" aria-labelledby=\"tracks-h\"><h2 id=\"tracks-h\">Follow one track</h2><ul class=\"tracks\">");
        foreach (var track in tracks.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase))
        {
            var count = model.AllSessions.Count(s => s.Track?.Id == track.Id);
            var pair = new[] { KeyValuePair.Create("track", track.Id) };
            h.Raw("<li><span class=\"name\">");
            if (track.Color is { } color && HexColor().IsMatch(color))
            {
                h.Raw("<span class=\"swatch\" aria-hidden=\"true\"").Attr("style", "background:" + color).Raw("></span>");
            }

            h.Text(track.Name).Raw(" <span class=\"note\">(").Text(Count(count)).Raw(")</span></span>")
                .Raw("<span class=\"links\"><a class=\"button\"").Attr("href", Webcal(FeedUrl(model.FeedStem, "ics", pair, null))).Raw(">Subscribe<span class=\"vh\"> to ").Text(track.Name).Raw("</span></a>")
                .Raw("<a").Attr("href", PageUrl(model.PagePath, pair) + "#subscribe").Raw(">Other apps<span class=\"vh\"> for ").Text(track.Name).Raw("</span></a></span></li>");
        }

        h.Raw("</ul></section>");
    }

    /// <summary>A plain GET form: submitting it re-renders this page with the filtered subscribe links.</summary>
    private static void FilterForm(HtmlBuilder h, SubscribePageModel model)
    {
        var all = model.AllSessions;
        var filter = model.Filter;
        h.Raw("\n<section id=\"filter\" aria-labelledby=\"filter-h\"><h2 id=\"filter-h\">Choose what to follow</h2>")
            .Raw("<p class=\"note\">Ticked boxes within a group are alternatives; groups combine. Leave a group empty for all.</p>")
            .Raw("<form method=\"get\"").Attr("action", model.PagePath + "#subscribe").Raw(">");

        Choices(h, "Tracks", "track", Distinct(all.Select(s => s.Track), t => t.Id).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase)
            .Select(t => (t.Id, t.Name, filter?.Tracks.Contains(t.Id) == true)));
        Choices(h, "Days", "day", all.Select(s => s.Start.InZone(model.Zone).Date).Distinct().Order()
            .Select(d => (IsoDate.Format(d), LongDate.Format(d), filter?.Days.Contains(d) == true)));
        Choices(h, "Rooms", "room", Distinct(all.Select(s => s.Room), r => r.Id).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => (r.Id, r.Name, filter?.Rooms.Contains(r.Id) == true)));
        Choices(h, "Session types", "type", all.Where(s => !string.IsNullOrWhiteSpace(s.Type)).Select(s => s.Type!)
            .DistinctBy(t => t.ToUpperInvariant()).Order(StringComparer.OrdinalIgnoreCase)
            .Select(t => (Slug.From(t), t, filter?.Types.Contains(t.ToUpperInvariant()) == true)));

        // Checkboxes like every other group (a multi-select needs Ctrl or ⌘, which phones lack
        // and few people know); speakers can number in the hundreds, so a long list scrolls in its box.
        var speakers = Distinct(all.SelectMany(s => s.Speakers), s => s.Id).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Choices(h, "Speakers", "speaker", speakers.Select(s => (s.Id, s.Name, filter?.Speakers.Contains(s.Id) == true)), scroll: speakers.Count > 12);

        Reminders(h, model.Alarm);
        h.Raw("<button type=\"submit\">Show subscribe links</button></form></section>");
    }

    /// <summary>The reminder choice: the calendar links then carry <c>alarm=</c> (a VALARM per session).</summary>
    private static void Reminders(HtmlBuilder h, string? alarm)
    {
        h.Raw("<fieldset><legend>Reminders</legend><div class=\"choices\">");
        foreach (var (value, label) in new[] { (string.Empty, "No reminder"), ("-PT10M", "Remind me 10 min before"), ("-PT1H", "Remind me 1 h before") })
        {
            h.Raw("<label><input type=\"radio\" name=\"alarm\"").Attr("value", value.Length == 0 ? "none" : value)
                .Flag("checked", value.Length == 0 ? alarm is null : alarm == value).Raw("> ").Text(label).Raw("</label>");
        }

        h.Raw("</div></fieldset>");
    }

    private static IReadOnlyList<KeyValuePair<string, string>> WithAlarm(IReadOnlyList<KeyValuePair<string, string>> query, string? alarm) =>
        alarm is null ? query : [.. query, KeyValuePair.Create("alarm", alarm)];

    private static void Choices(HtmlBuilder h, string legend, string name, IEnumerable<(string Value, string Label, bool Checked)> choices, bool scroll = false)
    {
        var list = choices.ToList();
        if (list.Count == 0)
        {
            return;
        }

        h.Raw("<fieldset><legend>").Text(legend).Raw("</legend><div").Attr("class", scroll ? "choices scroll" : "choices").Raw(">");
        var index = 0;
        foreach (var (value, label, isChecked) in list)
        {
            var id = $"f-{name}-{index++}";
            h.Raw("<label").Attr("for", id).Raw("><input type=\"checkbox\"").Attr("id", id).Attr("name", name).Attr("value", value)
                .Flag("checked", isChecked).Raw("><span>").Text(label).Raw("</span></label>");
        }

        h.Raw("</div></fieldset>");
    }

    /// <summary>The sessions (current selection), each with a single-event download and an agenda checkbox.</summary>
    private static void SessionList(HtmlBuilder h, SubscribePageModel model)
    {
        h.Raw("\n<section id=\"sessions\" aria-labelledby=\"sessions-h\"><h2 id=\"sessions-h\">Sessions</h2>");
        if (model.Sessions.Count == 0)
        {
            h.Raw("<p>No sessions match.</p></section>");
            return;
        }

        if (model.OffersAgenda)
        {
            h.Raw("<p class=\"note\">Tick sessions and create your own agenda feed, or add a single session to your calendar.</p>")
                .Raw("<form method=\"get\"").Attr("action", model.PagePath + "#agenda").Raw(">");
            foreach (var (name, value) in model.FilterQuery)
            {
                h.Raw("<input type=\"hidden\"").Attr("name", name).Attr("value", value).Raw(">");
            }
        }

        var stem = model.FeedStem;
        var index = 0;
        var days = model.Sessions.GroupBy(s => s.Start.InZone(model.Zone).Date).ToList();
        if (days.Count > 1)
        {
            // The day index: one tap to a day instead of scrolling past the others.
            h.Raw("<nav class=\"days\" aria-label=\"Days\"><ul>");
            foreach (var day in days)
            {
                h.Raw("<li><a").Attr("href", "#day-" + IsoDate.Format(day.Key)).Raw(">").Text(LongDate.Format(day.Key))
                    .Raw(" <span class=\"note\">(").Text(Count(day.Count())).Raw(")</span></a></li>");
            }

            h.Raw("</ul></nav>");
        }

        // Long schedules fold by day (a day with a ticked session stays open); short ones show everything.
        var fold = days.Count > 1 && model.Sessions.Count > OpenDaysUpTo;
        foreach (var day in days)
        {
            var open = !fold || day.Any(s => model.AgendaSessionIds.Contains(s.Id));
            h.Raw("<details class=\"day\"").Attr("id", "day-" + IsoDate.Format(day.Key)).Flag("open", open)
                .Raw("><summary><h3>").Text(LongDate.Format(day.Key)).Raw(" <span class=\"note\">(").Text(Count(day.Count())).Raw(")</span></h3></summary><ul class=\"sessions\">");
            foreach (var session in day)
            {
                var id = "s-" + (index++).ToString(CultureInfo.InvariantCulture);
                var start = session.Start.InZone(model.Zone).TimeOfDay;
                var end = session.End.InZone(model.Zone).TimeOfDay;
                var cancelled = session.State == SessionState.Cancelled;
                // Cancelled sessions stay listed so people see the change, but cannot be added
                // to a calendar or an agenda; private pages offer no agenda at all.
                var choosable = model.OffersAgenda && !cancelled;
                h.Raw(cancelled ? "<li class=\"session is-cancelled\">" : "<li class=\"session\">").Raw(choosable ? "<label" : "<span class=\"entry\"");
                if (choosable)
                {
                    h.Attr("for", id).Raw("><input type=\"checkbox\" name=\"session\"").Attr("id", id).Attr("value", session.Id)
                        .Flag("checked", model.AgendaSessionIds.Contains(session.Id));
                }

                h.Raw(">");

                h.Raw("<span><span class=\"time\">").Text(Time.Format(start)).Raw("–").Text(Time.Format(end)).Raw("</span> ")
                    .Raw(cancelled ? "<strong>Cancelled:</strong> <span class=\"cancelled\">" : "<span>").Text(session.Title).Raw("</span>");
                var where = string.Join(" · ", new[] { session.Room?.Name, session.Track?.Name, string.Join(", ", session.Speakers.Select(s => s.Name)) }
                    .Where(p => !string.IsNullOrWhiteSpace(p)));
                if (where.Length > 0)
                {
                    h.Raw("<span class=\"where\">").Text(where).Raw("</span>");
                }

                h.Raw(choosable ? "</span></label>" : "</span></span>");
                if (!cancelled)
                {
                    // A listed occurrence of a recurring session adds that occurrence only.
                    var occurrence = FeedProxy.Formats.Feeds.FeedDocument.OccurrenceKey(session) is { } key ? "?occurrence=" + key : string.Empty;
                    h.Raw("<a").Attr("href", $"{stem}/sessions/{Uri.EscapeDataString(session.Id)}.ics{occurrence}")
                        .Raw(">Add to calendar<span class=\"vh\">: ").Text(session.Title).Raw("</span></a>");
                }

                h.Raw("</li>");
            }

            h.Raw("</ul></details>");
        }

        if (model.OffersAgenda)
        {
            h.Raw("<p><button type=\"submit\">Create my agenda feed</button></p></form>");
        }

        h.Raw("</section>");
    }

    internal static string FeedUrl(string stem, string extension, IReadOnlyList<KeyValuePair<string, string>> query, string? extra)
    {
        var parts = new List<string>();
        if (extra is not null)
        {
            parts.Add(extra);
        }

        parts.AddRange(query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        return stem + "." + extension + (parts.Count > 0 ? "?" + string.Join('&', parts) : string.Empty);
    }

    private static string PageUrl(string path, KeyValuePair<string, string>[] query) =>
        path + (query.Length > 0 ? "?" + string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))) : string.Empty);

    /// <summary>webcal:// names the same resource for the calendar app registered for it (http and https alike).</summary>
    internal static string Webcal(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "webcal://" + url[8..]
        : url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "webcal://" + url[7..]
        : url;

    private static string Describe(SubscribePageModel model)
    {
        var f = model.Filter!;
        var schedule = model.Event;
        var parts = new List<string>();
        void Add(string label, IEnumerable<string> names)
        {
            var list = names.ToList();
            if (list.Count > 0)
            {
                parts.Add(label + ": " + string.Join(", ", list));
            }
        }

        Add("track", f.Tracks.Select(id => schedule.Tracks.FirstOrDefault(t => t.Id == id)?.Name ?? id));
        Add("room", f.Rooms.Select(id => schedule.Rooms.FirstOrDefault(r => r.Id == id)?.Name ?? id));
        Add("speaker", f.Speakers.Select(id => schedule.Speakers.FirstOrDefault(s => s.Id == id)?.Name ?? id));
        Add("day", f.Days.Select(d => LongDate.Format(d)));
        Add("type", f.Types.Select(t => model.AllSessions.FirstOrDefault(s => string.Equals(s.Type, t, StringComparison.OrdinalIgnoreCase))?.Type ?? t));
        Add("language", f.Languages);
        return string.Join("; ", parts);
    }

    private static string Count(int n) => n == 1 ? "1 session" : n.ToString(CultureInfo.InvariantCulture) + " sessions";

    private static List<T> Distinct<T>(IEnumerable<T?> items, Func<T, string> key) where T : class =>
        items.OfType<T>().DistinctBy(key, StringComparer.Ordinal).ToList();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColor();
}
