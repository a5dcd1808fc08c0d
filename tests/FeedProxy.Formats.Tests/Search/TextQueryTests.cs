using FeedProxy.Formats.Model;
using FeedProxy.Formats.Search;
using NodaTime;

namespace FeedProxy.Formats.Tests.Search;

public sealed class TextQueryTests
{
    private static readonly Session Talk = new()
    {
        Id = "s1",
        Title = "Café Économie: the Straße of O'Brien",
        Abstract = "Open-source calendars, naïvely.",
        Start = Instant.FromUtc(2027, 3, 1, 10, 0),
        End = Instant.FromUtc(2027, 3, 1, 11, 0),
        LastModified = Instant.FromUtc(2027, 1, 1, 0, 0),
        Room = new Room { Id = "aula", Name = "Grand Aula" },
        Speakers = [new Speaker { Id = "zoe", Name = "Zoë Ødegård" }],
    };

    [Theory]
    [InlineData("cafe")]
    [InlineData("CAFÉ")]
    [InlineData("economie cafe")]
    [InlineData("strasse")]
    [InlineData("brien")]
    [InlineData("open source")]
    [InlineData("naively")]
    [InlineData("aula")]
    [InlineData("odegard zoe")]
    public void Matches_WholeWords_IgnoringCaseDiacriticsAndOrder(string text)
    {
        Assert.True(TextQuery.TryParse(text, out var query, out _));
        Assert.True(query!.Matches(Talk), text);
    }

    [Theory]
    [InlineData("caf")]
    [InlineData("cafe tea")]
    [InlineData("calendar")]
    public void DoesNotMatch_PartsOfWordsOrMissingWords(string text)
    {
        Assert.True(TextQuery.TryParse(text, out var query, out _));
        Assert.False(query!.Matches(Talk), text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  !! ")]
    [InlineData("a b c d e f g h i j k")]
    public void Refuses_QueriesWithoutWordsOrWithTooMany(string text)
    {
        Assert.False(TextQuery.TryParse(text, out _, out var error));
        Assert.Contains("'q'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_OverlongQueries() =>
        Assert.False(TextQuery.TryParse(new string('a', TextQuery.MaxLength + 1), out _, out _));

    [Fact]
    public void Key_IsCanonical() =>
        Assert.Equal(
            TextQuery.TryParse("Économie  CAFE cafe", out var a, out _) ? a!.Key : null,
            TextQuery.TryParse("cafe economie", out var b, out _) ? b!.Key : null);
}
