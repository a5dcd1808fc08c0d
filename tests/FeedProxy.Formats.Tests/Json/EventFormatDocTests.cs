using System.Text;
using System.Text.RegularExpressions;
using FeedProxy.Formats.Json;
using NodaTime;

namespace FeedProxy.Formats.Tests.Json;

/// <summary>Keeps the example in docs/event-format.md true.</summary>
public partial class EventFormatDocTests
{
    [GeneratedRegex(@"## Example\n\n```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    [Fact]
    public void DocsExample_LoadsAndBehavesAsDescribed()
    {
        var docPath = Path.Combine(Path.GetDirectoryName(DemoEventFile.Path)!, "..", "..", "docs", "event-format.md");
        var match = ExampleBlock().Match(File.ReadAllText(docPath, Encoding.UTF8));
        Assert.True(match.Success, "docs/event-format.md has an '## Example' JSON block.");

        var json = DemoEventFile.Deserialize(Encoding.UTF8.GetBytes(match.Groups["json"].Value));
        var model = EventJsonMapper.ToModel(json, Instant.FromUtc(2027, 1, 1, 0, 0));

        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var s2 = model.Sessions.Single(s => s.Id == "s2");
        Assert.Equal(Offset.FromHours(1), berlin.GetUtcOffset(s2.Start));
        Assert.Equal(new LocalDateTime(2027, 3, 28, 3, 30), s2.End.InZone(berlin).LocalDateTime);
        Assert.Equal(Instant.FromUtc(2027, 2, 1, 10, 0), s2.LastModified);
    }
}
