using FeedProxy.Formats.Text;
using FeedProxy.Storage;

namespace FeedProxy.Tests.Storage;

public sealed class StoredTextTests
{
    public static TheoryData<string?> Samples => new()
    {
        null, "", " ", "plain", " lead", "trail ", "tab\tinside", "line\nbreak", "cr\r\nlf", "lone\rcr",
        "\u0001ctrl", "del\u007F", "c1\u0085", "nbsp\u00A0", "\u00A0edge", "Grüße, 東京", "emoji 😀 ok",
        "lone \uD83D high", "lone \uDE00 low", "end high \uD83D", "\uDE00 start low", "swapped \uDE00\uD83D pair", "two 😀😀", "non\uFFFEchar", "non\uFFFFchar", "\u2028sep", "trailing\n",
        "\tlead tab", "a\u0000b", "vt\u000Bff\u000C", "mixed\r\n\u0007\uD800 end ",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Line_IsExactlyTheSanitiser(string? value) => Assert.Equal(TextSanitizer.Line(value), StoredText.Line(value));

    [Theory]
    [MemberData(nameof(Samples))]
    public void Text_IsExactlyTheSanitiser(string? value) => Assert.Equal(TextSanitizer.Text(value), StoredText.Text(value));

    [Fact]
    public void RandomStrings_AreCleanedExactlyLikeTheSanitiser()
    {
        var random = new Random(20261126);
        char[] alphabet = ['a', 'Z', ' ', '\t', '\n', '\r', '\u0001', '\u007F', '\u0085', '\u00A0', 'é', '\uD83D', '\uDE00', '\uFFFE', '\uFFFF', '\u3000', '0'];
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var value = new string(chars);
            Assert.Equal(TextSanitizer.Line(value), StoredText.Line(value));
            Assert.Equal(TextSanitizer.Text(value), StoredText.Text(value));
        }
    }

    [Fact]
    public void CleanText_ComesBackAsTheSameInstance()
    {
        var value = "Keynote: the calendar\nsecond line\tand a tab";

        Assert.Same(value, StoredText.Text(value));
        Assert.Same("Keynote", StoredText.Line("Keynote"));
        var withEmoji = "Café 😀 and 東京 😀";
        Assert.Same(withEmoji, StoredText.Text(withEmoji));
        Assert.Same(withEmoji, StoredText.Line(withEmoji));
    }
}
