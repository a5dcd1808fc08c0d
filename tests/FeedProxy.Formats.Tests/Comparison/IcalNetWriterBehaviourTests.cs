using CultureInfo = System.Globalization.CultureInfo;
using DateTimeStyles = System.Globalization.DateTimeStyles;
using System.Text;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Tests.ICalendar;
using FeedProxy.Formats.Tests.Support;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace FeedProxy.Formats.Tests.Comparison;

/// <summary>
/// Why the feeds are written by our own iCalendar writer and not by Ical.Net (which the
/// upstream readers do use): two behaviours of Ical.Net 5.2.4's serialiser, each next to our
/// writer on the same input. If a later Ical.Net no longer shows one of them, the test fails
/// and the README's "Dependencies" reason has to be revisited.
/// </summary>
public sealed class IcalNetWriterBehaviourTests
{
    private const string Emoji = "\U0001F600"; // one code point, a UTF-16 surrogate pair, four UTF-8 octets

    /// <summary>
    /// RFC 5545 §3.1 folds at 75 octets and forbids splitting a UTF-8 multi-octet sequence.
    /// Ical.Net folds by UTF-16 code units, so for some title lengths the fold falls between the
    /// two halves of a surrogate pair and the emoji is lost (U+FFFD) once the text is UTF-8.
    /// </summary>
    [Fact]
    public void Folding_IcalNetSplitsSurrogatePairs_OurWriterKeepsEveryEmoji()
    {
        var lostByIcalNet = new List<int>();
        var lostByUs = new List<int>();
        for (var prefix = 0; prefix < 160; prefix++)
        {
            var title = new string('a', prefix) + Emoji + " end";

            var calendar = new Calendar();
            calendar.Events.Add(new CalendarEvent
            {
                Uid = "s1@example.org",
                Summary = title,
                DtStart = new CalDateTime(new DateTime(2027, 3, 26, 8, 0, 0, DateTimeKind.Utc)),
                DtEnd = new CalDateTime(new DateTime(2027, 3, 26, 9, 0, 0, DateTimeKind.Utc)),
                DtStamp = new CalDateTime(new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc)),
            });
            var theirs = Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar)!);
            if (!Summary(theirs).Contains(Emoji, StringComparison.Ordinal))
            {
                lostByIcalNet.Add(prefix);
            }

            var document = SampleDocuments.WithSession(SampleDocuments.Document(), s => s with { Title = title });
            var ours = FeedWriters.Render(document, FeedFormat.ICalendar);
            if (!Summaries(ours).Any(s => s.Contains(title, StringComparison.Ordinal)))
            {
                lostByUs.Add(prefix);
            }
        }

        Assert.Empty(lostByUs);
        // Lost only where a fold falls inside the pair: unfolded titles keep the emoji.
        Assert.NotEmpty(lostByIcalNet);
        Assert.DoesNotContain(0, lostByIcalNet);
        Assert.True(lostByIcalNet.Count < 10, $"lost at prefix lengths {string.Join(", ", lostByIcalNet)}");
    }

    /// <summary>
    /// DTSTAMP is required in every VEVENT of a published feed (RFC 5545 §3.8.7.2). Ical.Net
    /// fills it with the current time when it is not set, so the same schedule serialised twice
    /// gives different bytes (a new ETag on every render); our writer derives it from the
    /// session's last modification, so the bytes repeat.
    /// </summary>
    [Fact]
    public async Task Dtstamp_IcalNetDefaultsToNow_OurWriterRepeatsItsBytes()
    {
        static string Serialize()
        {
            var calendar = new Calendar();
            calendar.Events.Add(new CalendarEvent
            {
                Uid = "s1@example.org",
                Summary = "Opening",
                DtStart = new CalDateTime(new DateTime(2027, 3, 26, 8, 0, 0, DateTimeKind.Utc)),
                DtEnd = new CalDateTime(new DateTime(2027, 3, 26, 9, 0, 0, DateTimeKind.Utc)),
            });
            return new CalendarSerializer().SerializeToString(calendar)!;
        }

        var before = DateTime.UtcNow.AddSeconds(-2);
        var first = Serialize();
        await Task.Delay(1100); // DTSTAMP has one-second resolution
        var second = Serialize();
        var after = DateTime.UtcNow.AddSeconds(2);

        var stamp = DateTime.ParseExact(Property(first, "DTSTAMP"), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(stamp, before, after);
        Assert.NotEqual(first, second);

        var document = SampleDocuments.Document();
        Assert.Equal(FeedWriters.Render(document, FeedFormat.ICalendar), FeedWriters.Render(document, FeedFormat.ICalendar));
    }

    private static string Summary(byte[] octets) =>
        Summaries(octets).Single();

    private static IEnumerable<string> Summaries(byte[] octets) =>
        ContentLineParser.Unfold(octets)
            .Where(line => line.StartsWith("SUMMARY", StringComparison.Ordinal))
            .Select(line => ContentLineParser.Unescape(ContentLineParser.Split(line).Value));

    private static string Property(string text, string name) =>
        text.Split("\r\n").Select(line => line.Split(':', 2)).First(parts => parts[0] == name)[1];
}
