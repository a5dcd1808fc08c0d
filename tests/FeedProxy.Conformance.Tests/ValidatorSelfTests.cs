using System.Text;
using FeedProxy.Conformance.Tests.Harness;

namespace FeedProxy.Conformance.Tests;

/// <summary>
/// The validators themselves: each must pass a small hand-written feed that is right and
/// flag one that is wrong, so a green conformance run means something. Independent of our
/// writers; the samples are written here, not copied from anywhere.
/// </summary>
public sealed class ValidatorSelfTests : IDisposable
{
    private const string Uid1 = "s1-ev@feeds.example.org";
    private const string Uid2 = "s2-ev@feeds.example.org";

    private static readonly string[] VTimezone =
    [
        "BEGIN:VTIMEZONE", "TZID:Europe/Brussels",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE",
    ];

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"feedproxy-validator-selftest-{Guid.NewGuid():N}");

    public ValidatorSelfTests()
    {
        Directory.CreateDirectory(directory);
        // Titles with every TEXT escape of RFC 5545 §3.3.11 and characters beyond the BMP.
        File.WriteAllText(Path.Combine(directory, "expected.json"), """
            {"timeZone":"Europe/Brussels","sessions":[
             {"uid":"s1-ev@feeds.example.org","title":"Hello, world; a \\ backslash \ud83d\ude00","start":"2027-06-01T08:00:00Z","end":"2027-06-01T09:30:00Z","status":"CONFIRMED","image":"https://example.org/a.png",
              "startLocal":"2027-06-01T10:00:00","startLocalExact":true,"endLocal":"2027-06-01T11:30:00","endLocalExact":true},
             {"uid":"s2-ev@feeds.example.org","title":"Cancelled <one> & \"two\"","start":"2027-06-02T10:00:00Z","end":"2027-06-02T10:00:00Z","status":"CANCELLED","image":null}]}
            """);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task PythonICalendarValidators_PassAValidFeedAndFlagBrokenOnes()
    {
        var run = await RunAsync(
            Validator.PythonICalendar,
            ("good", "ics", GoodIcs()),
            ("folded-badly", "ics", Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//x//y//EN\nBEGIN:VEVENT\nUID:" + Uid1 + "\nDTSTAMP:20270101T000000Z\nDTSTART:20270601T080000Z\nSUMMARY:" + new string('x', 90) + "\nEND:VEVENT\nEND:VCALENDAR\n")),
            ("wrong-time", "ics", GoodIcs(startLocal: "20270601T090000")),
            ("no-vtimezone", "ics", GoodIcs(withTimezone: false)));
        AssertFlagged(run, "no-vtimezone", "rfc5545-lines", "no VTIMEZONE defines it");
        AssertClean(run, "good", "icalendar", 2);
        AssertClean(run, "good", "vobject", 2);
        AssertClean(run, "good", "rfc5545-lines", 2);
        AssertFlagged(run, "folded-badly", "rfc5545-lines", "bare LF", "more than 75");
        AssertFlagged(run, "wrong-time", "icalendar", "start 2027-06-01T09:00:00 Europe/Brussels != 2027-06-01T10:00:00");
        AssertFlagged(run, "wrong-time", "vobject", "start 2027-06-01T07:00:00Z != 2027-06-01T08:00:00Z");
    }

    [Fact]
    public async Task LibicalChecker_PassesAValidFeedAndFlagsBrokenOnes()
    {
        var run = await RunAsync(
            Validator.Libical,
            ("good", "ics", GoodIcs()),
            ("wrong-time", "ics", GoodIcs(startLocal: "20270601T090000")),
            ("bad-value", "ics", GoodIcs(extra: "GEO:not-a-number")));
        AssertClean(run, "good", "libical", 2);
        AssertFlagged(run, "wrong-time", "libical", "start 2027-06-01T07:00:00Z");
        AssertFlagged(run, "bad-value", "libical", "GEO");
    }

    [Fact]
    public async Task IcalJsValidator_PassesValidICalendarAndJCalAndFlagsMismatches()
    {
        var run = await RunAsync(
            Validator.IcalJs,
            ("good", "ics", GoodIcs()),
            ("no-vtimezone", "ics", GoodIcs(withTimezone: false)),
            ("good-jcal", "jcal", Encoding.UTF8.GetBytes(JCal("2027-06-01T10:00:00"))),
            ("shifted-jcal", "jcal", Encoding.UTF8.GetBytes(JCal("2027-06-01T11:00:00"))),
            ("basic-format-jcal", "jcal", Encoding.UTF8.GetBytes(JCal("20270601T100000"))));
        AssertClean(run, "good", "ical.js", 2);
        AssertFlagged(run, "no-vtimezone", "ical.js", "has no VTIMEZONE");
        AssertClean(run, "good-jcal", "ical.js-jcal", 2);
        AssertFlagged(run, "shifted-jcal", "ical.js-jcal", "jcal vs ics");
        AssertFlagged(run, "basic-format-jcal", "ical.js-jcal", "not RFC 7265 form");
    }

    [Fact]
    public async Task FeedValidator_PassesValidXmlFeedsAndFlagsBrokenOnes()
    {
        var run = await RunAsync(
            Validator.Feeds,
            ("good-xcal", "xcal", Encoding.UTF8.GetBytes(XCal("Room K"))),
            ("other-location-xcal", "xcal", Encoding.UTF8.GetBytes(XCal("Room L"))),
            ("good-pentabarf", "xcal-pentabarf", Encoding.UTF8.GetBytes(Pentabarf("20270601T100000"))),
            ("iso-date-pentabarf", "xcal-pentabarf", Encoding.UTF8.GetBytes(Pentabarf("2027-06-01T10:00:00"))),
            ("good-rss", "rss", Encoding.UTF8.GetBytes(Rss(campus: false))),
            ("control-character-rss", "rss", Encoding.UTF8.GetBytes(Rss(campus: false).Replace("<title>Sample", "<title>Sample&#x1;", StringComparison.Ordinal))),
            ("campus-shape-as-standard-rss", "rss", Encoding.UTF8.GetBytes(Rss(campus: true))),
            ("good-atom", "atom", Encoding.UTF8.GetBytes(Atom(campus: false))));
        AssertClean(run, "good-xcal", "xcal", 2);
        AssertClean(run, "good-xcal", "xml", null);
        AssertFlagged(run, "other-location-xcal", "xcal", "LOCATION");
        AssertClean(run, "good-pentabarf", "pentabarf", 2);
        AssertFlagged(run, "iso-date-pentabarf", "pentabarf", "yyyyMMdd");
        AssertClean(run, "good-rss", "feedparser", 2);
        AssertClean(run, "good-rss", "feed-rules", 2);
        AssertFlagged(run, "control-character-rss", "xml", "not well-formed");
        AssertFlagged(run, "control-character-rss", "feedparser", "bozo");
        AssertFlagged(run, "campus-shape-as-standard-rss", "feed-rules", "un-namespaced");
        AssertClean(run, "good-atom", "feedparser", 2);
        AssertClean(run, "good-atom", "feed-rules", 2);
    }

    [Fact]
    public async Task CampusConsumer_SeesAValidCampusFeedAndFlagsMissingEndDates()
    {
        var run = await RunAsync(
            Validator.Campus,
            ("good-rss", "rss-campus", Encoding.UTF8.GetBytes(Rss(campus: true))),
            ("good-atom", "atom-campus", Encoding.UTF8.GetBytes(Atom(campus: true))),
            ("no-end-atom", "atom-campus", Encoding.UTF8.GetBytes(Atom(campus: true).Replace("<endDate>2027-06-02T10:00:00Z</endDate>", "", StringComparison.Ordinal))));
        AssertClean(run, "good-rss", "campus", 2);
        AssertClean(run, "good-atom", "campus", 2);
        AssertFlagged(run, "no-end-atom", "campus", "start + 3 h");
    }

    private async Task<ValidatorRun> RunAsync(Validator validator, params (string Id, string Format, byte[] Bytes)[] files)
    {
        File.WriteAllBytes(Path.Combine(directory, "reference.ics"), GoodIcs());
        var manifest = new StringBuilder("[");
        foreach (var (id, format, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(directory, id), bytes);
            manifest.Append(manifest.Length > 1 ? "," : "")
                .Append($$"""{"id":"{{id}}","path":"{{id}}","format":"{{format}}","sessions":2,"expected":"expected.json","reference":"reference.ics","timeZone":"Europe/Brussels","timeMode":"event-zone"}""");
        }

        var path = Path.Combine(directory, $"manifest-{validator}.json");
        File.WriteAllText(path, manifest.Append(']').ToString());
        var run = await Validators.RunAsync(validator, path);
        Assert.True(run.Failure is null, run.Failure);
        return run;
    }

    private static void AssertClean(ValidatorRun run, string id, string checker, int? count)
    {
        var result = Assert.Single(run.Results, r => r.Id == id && r.Checker == checker);
        Assert.True(result.Errors.Count == 0, $"{checker} on {id}: {string.Join(" | ", result.Errors)}");
        if (count is not null)
        {
            Assert.Equal(count, result.Count);
        }
    }

    private static void AssertFlagged(ValidatorRun run, string id, string checker, params string[] expectedFragments)
    {
        var result = Assert.Single(run.Results, r => r.Id == id && r.Checker == checker);
        foreach (var fragment in expectedFragments)
        {
            Assert.True(result.Errors.Any(e => e.Contains(fragment, StringComparison.Ordinal)),
                $"{checker} on {id} should report '{fragment}'; it reported: {string.Join(" | ", result.Errors)}");
        }
    }

    private static byte[] GoodIcs(string startLocal = "20270601T100000", bool withTimezone = true, string? extra = null)
    {
        string[] lines =
        [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//FeedProxy//self-test//EN", "METHOD:PUBLISH",
            .. withTimezone ? VTimezone : [],
            "BEGIN:VEVENT", $"UID:{Uid1}", "DTSTAMP:20270101T000000Z",
            $"DTSTART;TZID=Europe/Brussels:{startLocal}", "DTEND;TZID=Europe/Brussels:20270601T113000",
            "SUMMARY:Hello\\, world\\; a \\\\ backslash 😀", "LOCATION:Room K", "STATUS:CONFIRMED",
            .. extra is null ? Array.Empty<string>() : [extra],
            "END:VEVENT",
            "BEGIN:VEVENT", $"UID:{Uid2}", "DTSTAMP:20270101T000000Z", "DTSTART:20270602T100000Z",
            "SUMMARY:Cancelled <one> & \"two\"", "STATUS:CANCELLED", "END:VEVENT",
            "END:VCALENDAR",
        ];
        return Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");
    }

    private static string JCal(string start) => $$"""
        ["vcalendar",[["version",{},"text","2.0"],["prodid",{},"text","-//FeedProxy//self-test//EN"]],[
         ["vtimezone",[["tzid",{},"text","Europe/Brussels"]],[
          ["daylight",[["tzoffsetfrom",{},"utc-offset","+01:00"],["tzoffsetto",{},"utc-offset","+02:00"],["dtstart",{},"date-time","1970-03-29T02:00:00"],["rrule",{},"recur",{"freq":"YEARLY","bymonth":3,"byday":"-1SU"}]],[]],
          ["standard",[["tzoffsetfrom",{},"utc-offset","+02:00"],["tzoffsetto",{},"utc-offset","+01:00"],["dtstart",{},"date-time","1970-10-25T03:00:00"],["rrule",{},"recur",{"freq":"YEARLY","bymonth":10,"byday":"-1SU"}]],[]]]],
         ["vevent",[["uid",{},"text","{{Uid1}}"],["dtstamp",{},"date-time","2027-01-01T00:00:00Z"],
          ["dtstart",{"tzid":"Europe/Brussels"},"date-time","{{start}}"],["dtend",{"tzid":"Europe/Brussels"},"date-time","2027-06-01T11:30:00"],
          ["summary",{},"text","Hello, world; a \\ backslash 😀"],["status",{},"text","CONFIRMED"]],[]],
         ["vevent",[["uid",{},"text","{{Uid2}}"],["dtstamp",{},"date-time","2027-01-01T00:00:00Z"],["dtstart",{},"date-time","2027-06-02T10:00:00Z"],
          ["summary",{},"text","Cancelled <one> & \"two\""],["status",{},"text","CANCELLED"]],[]]]]
        """;

    private static string XCal(string location) => $$"""
        <?xml version="1.0" encoding="utf-8"?>
        <icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0"><vcalendar>
         <properties><version><text>2.0</text></version><prodid><text>-//FeedProxy//self-test//EN</text></prodid><method><text>PUBLISH</text></method></properties>
         <components>
          <vtimezone><properties><tzid><text>Europe/Brussels</text></tzid></properties><components>
           <daylight><properties><tzoffsetfrom><utc-offset>+01:00</utc-offset></tzoffsetfrom><tzoffsetto><utc-offset>+02:00</utc-offset></tzoffsetto><tzname><text>CEST</text></tzname><dtstart><date-time>1970-03-29T02:00:00</date-time></dtstart><rrule><recur><freq>YEARLY</freq><bymonth>3</bymonth><byday>-1SU</byday></recur></rrule></properties></daylight>
           <standard><properties><tzoffsetfrom><utc-offset>+02:00</utc-offset></tzoffsetfrom><tzoffsetto><utc-offset>+01:00</utc-offset></tzoffsetto><tzname><text>CET</text></tzname><dtstart><date-time>1970-10-25T03:00:00</date-time></dtstart><rrule><recur><freq>YEARLY</freq><bymonth>10</bymonth><byday>-1SU</byday></recur></rrule></properties></standard>
          </components></vtimezone>
          <vevent><properties><uid><text>{{Uid1}}</text></uid><dtstamp><date-time>2027-01-01T00:00:00Z</date-time></dtstamp>
           <dtstart><parameters><tzid><text>Europe/Brussels</text></tzid></parameters><date-time>2027-06-01T10:00:00</date-time></dtstart>
           <dtend><parameters><tzid><text>Europe/Brussels</text></tzid></parameters><date-time>2027-06-01T11:30:00</date-time></dtend>
           <summary><text>Hello, world; a \ backslash 😀</text></summary><location><text>{{location}}</text></location><status><text>CONFIRMED</text></status></properties></vevent>
          <vevent><properties><uid><text>{{Uid2}}</text></uid><dtstamp><date-time>2027-01-01T00:00:00Z</date-time></dtstamp>
           <dtstart><date-time>2027-06-02T10:00:00Z</date-time></dtstart><summary><text>Cancelled &lt;one&gt; &amp; "two"</text></summary><status><text>CANCELLED</text></status></properties></vevent>
         </components></vcalendar></icalendar>
        """;

    private static string Pentabarf(string start) => $$"""
        <?xml version="1.0" encoding="UTF-8"?>
        <iCalendar xmlns:xCal="urn:ietf:params:xml:ns:xcal"><vcalendar><version>2.0</version><x-wr-calname>Self-test</x-wr-calname>
         <vevent><method>PUBLISH</method><uid>{{Uid1}}</uid><dtstart>{{start}}</dtstart><dtend>20270601T113000</dtend><summary>Hello, world; a \ backslash 😀</summary><location>Room K</location></vevent>
         <vevent><method>PUBLISH</method><uid>{{Uid2}}</uid><dtstart>20270602T100000Z</dtstart><dtend>20270602T100000Z</dtend><summary>Cancelled &lt;one&gt; &amp; "two"</summary><location></location></vevent>
        </vcalendar></iCalendar>
        """;

    private static string Rss(bool campus) => $$"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:ev="http://purl.org/rss/1.0/modules/event/"><channel>
         <title>Sample</title><link>https://example.org/</link><description>Self-test</description>
         <atom:link href="https://feeds.example.org/events/ev.rss" rel="self" type="application/rss+xml"/>
         <item><title>Hello, world; a \ backslash 😀</title><description>First</description><guid isPermaLink="false">{{Uid1}}</guid>
          <pubDate>Tue, 01 Jun 2027 10:00:00 +0200</pubDate>{{(campus ? "<endDate>Tue, 01 Jun 2027 09:30:00 +0000</endDate><image><url>https://example.org/a.png</url></image>" : "<ev:startdate>2027-06-01T10:00:00+02:00</ev:startdate>")}}</item>
         <item><title>Cancelled &lt;one&gt; &amp; "two"</title><description>Second</description><guid isPermaLink="false">{{Uid2}}</guid>
          <pubDate>Wed, 02 Jun 2027 10:00:00 +0000</pubDate>{{(campus ? "<endDate>Wed, 02 Jun 2027 10:00:00 +0000</endDate>" : "")}}</item>
        </channel></rss>
        """;

    private static string Atom(bool campus) => $$"""
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><id>tag:feeds.example.org,2027:ev</id><title>Sample</title><updated>2027-01-01T00:00:00Z</updated>
         <author><name>Sample</name></author><link rel="self" href="https://feeds.example.org/events/ev.atom"/>
         <entry><id>{{(campus ? Uid1 : "urn:x-feedproxy:" + Uid1)}}</id><title>Hello, world; a \ backslash 😀</title><updated>2027-01-01T00:00:00Z</updated><content type="text">First</content>
          {{(campus ? "<published>2027-06-01T10:00:00+02:00</published><endDate>2027-06-01T09:30:00Z</endDate><image><url>https://example.org/a.png</url></image>" : "")}}</entry>
         <entry><id>{{(campus ? Uid2 : "urn:x-feedproxy:" + Uid2)}}</id><title>Cancelled &lt;one&gt; &amp; "two"</title><updated>2027-01-01T00:00:00Z</updated><content type="text">Second</content>
          {{(campus ? "<published>2027-06-02T10:00:00Z</published><endDate>2027-06-02T10:00:00Z</endDate>" : "")}}</entry>
        </feed>
        """;
}
