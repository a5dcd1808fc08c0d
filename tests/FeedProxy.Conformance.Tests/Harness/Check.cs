namespace FeedProxy.Conformance.Tests.Harness;

/// <summary>One checker of one validator and the manifest formats it reads.</summary>
internal sealed record Check(Validator Validator, string Checker, string[] Formats, bool CountsSessions)
{
    private static readonly string[] Ics = ["ics"];
    private static readonly string[] Syndication = ["rss", "atom", "rss-campus", "atom-campus"];

    public static readonly Check PythonIcalendar = new(Validator.PythonICalendar, "icalendar", Ics, true);
    public static readonly Check Vobject = new(Validator.PythonICalendar, "vobject", Ics, true);
    public static readonly Check ContentLines = new(Validator.PythonICalendar, "rfc5545-lines", Ics, true);
    public static readonly Check Libical = new(Validator.Libical, "libical", Ics, true);
    public static readonly Check IcalJs = new(Validator.IcalJs, "ical.js", Ics, true);
    public static readonly Check IcalJsJCal = new(Validator.IcalJs, "ical.js-jcal", ["jcal"], true);
    public static readonly Check Xml = new(Validator.Feeds, "xml", ["xcal", "xcal-pentabarf", .. Syndication], false);
    public static readonly Check Feedparser = new(Validator.Feeds, "feedparser", Syndication, true);
    public static readonly Check FeedRules = new(Validator.Feeds, "feed-rules", ["rss", "atom"], true);
    public static readonly Check XCal = new(Validator.Feeds, "xcal", ["xcal"], true);
    public static readonly Check Pentabarf = new(Validator.Feeds, "pentabarf", ["xcal-pentabarf"], true);
    public static readonly Check Campus = new(Validator.Campus, "campus", ["rss-campus", "atom-campus"], true);

    /// <summary>The four independent iCalendar parsers.</summary>
    public static readonly Check[] CalendarParsers = [PythonIcalendar, Vobject, Libical, IcalJs];

    public bool Reads(RenderedFeed feed) => Formats.Contains(feed.Variant.ManifestFormat);
}
