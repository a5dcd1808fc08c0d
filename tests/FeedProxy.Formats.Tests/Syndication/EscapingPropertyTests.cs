using System.Text;
using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using FeedProxy.Formats.Tests.Support;
using FeedProxy.Formats.Text;
using static FeedProxy.Formats.Tests.Syndication.SyndicationTestKit;

namespace FeedProxy.Formats.Tests.Syndication;

/// <summary>
/// Random text (markup characters, entities, CDATA ends, quotes, controls, astral and
/// combining characters), sanitised as it would be on the way in, must come back unchanged
/// from every XML writer's output. Seeded, so failures reproduce.
/// </summary>
public sealed class EscapingPropertyTests
{
    private static readonly string[] Pieces =
    [
        "<", ">", "&", "&amp;", "]]>", "<![CDATA[", "\"", "'", "</title>", "<script>", "&#x1;", "\n", "\r\n", "\t",
        "\u0001", "\u001F", "\u007F", "\u0085", "\uFFFE", "\uD800", "😀", "e\u0301", "ß", "田中", " ", "  ", "a", "Z9",
    ];

    public static TheoryData<FeedFormat, SyndicationProfile> Writers => new()
    {
        { FeedFormat.Rss, SyndicationProfile.Standard },
        { FeedFormat.Rss, SyndicationProfile.Campus },
        { FeedFormat.Atom, SyndicationProfile.Standard },
        { FeedFormat.Atom, SyndicationProfile.Campus },
        { FeedFormat.XCal, SyndicationProfile.Standard },
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public void SanitisedText_RoundTripsThroughEveryWriter(FeedFormat format, SyndicationProfile profile)
    {
        var random = new Random(20270326);
        for (var run = 0; run < 200; run++)
        {
            var title = TextSanitizer.Line(RandomText(random)) ?? "x";
            var speaker = TextSanitizer.Line(RandomText(random)) ?? "y";
            var session = SyndicationSamples.Opening with
            {
                Title = title,
                Abstract = TextSanitizer.Text(RandomText(random)),
                Speakers = [new Speaker { Id = "s", Name = speaker }],
                State = SessionState.Confirmed,
            };
            var document = SyndicationSamples.Document(format, profile) with { Sessions = [session] };

            var root = Parse(Render(document, format)).Root!;
            var item = root.Descendants().First(e => e.Name.LocalName is "item" or "entry" or "vevent");
            var writtenTitle = item.Elements().First(e => e.Name.LocalName is "title" or "summary").Value;
            Assert.Equal(title, writtenTitle);
            if (format == FeedFormat.XCal)
            {
                Assert.Equal(speaker, item.Element("attendee")!.Value);
            }
        }
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        var count = random.Next(0, 12);
        for (var i = 0; i < count; i++)
        {
            text.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return text.ToString();
    }
}
