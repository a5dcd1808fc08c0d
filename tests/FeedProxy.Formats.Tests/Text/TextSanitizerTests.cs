using System.Text;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Tests.Text;

public class TextSanitizerTests
{
    private static readonly string[] Pieces =
    [
        "a", "Z", " ", "  ", "\t", "\n", "\r", "\r\n", "\u0000", "\u0001", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F",
        "\u00A0", "é", "e\u0301", "田", "\u2028", "\u3000", "\uFEFF", "\uFFFD", "\uFFFE", "\uFFFF", "🦀", "\U0001F9D1\u200D\U0001F4BB",
        "\uD800", "\uDBFF", "\uDC00", "\uDFFF", ",", ";", "\\",
    ];

    [Fact]
    public void TextAndLine_EqualTheCharacterByCharacterRules()
    {
        var random = new Random(20270328);
        for (var run = 0; run < 20000; run++)
        {
            var value = RandomText(random, run % 7 == 0 ? 200 : 12);
            Assert.Equal(Reference(value, singleLine: false), TextSanitizer.Text(value));
            Assert.Equal(Reference(value, singleLine: true), TextSanitizer.Line(value));
            Assert.Equal(ReferenceIsClean(value), TextSanitizer.IsClean(value));
        }
    }

    [Fact]
    public void TryTrimClean_AgreesWithText()
    {
        var random = new Random(20271031);
        for (var run = 0; run < 20000; run++)
        {
            var value = RandomText(random, 40);
            if (TextSanitizer.TryTrimClean(value, out var trimmed))
            {
                Assert.Equal(TextSanitizer.Text(value), trimmed.IsEmpty ? null : trimmed.ToString());
            }
            else
            {
                // Something is replaced or removed: the caller cleans it as a string.
                Assert.False(TextSanitizer.IsClean(value));
            }
        }
    }

    [Fact]
    public void IsClean_PairedSurrogatesAndLongAsciiRuns()
    {
        Assert.True(TextSanitizer.IsClean(new string('a', 1000) + "🦀" + new string('b', 1000) + "\t\n"));
        Assert.False(TextSanitizer.IsClean(new string('a', 1000) + "\uD83E" + new string('b', 1000)));
        Assert.False(TextSanitizer.IsClean(new string('a', 1000) + "\uDD80"));
        Assert.False(TextSanitizer.IsClean(new string('a', 100) + "\r\n"));
        Assert.False(TextSanitizer.IsClean("🦀\u0085"));
    }

    private static string RandomText(Random random, int maxPieces) =>
        string.Concat(Enumerable.Range(0, random.Next(0, maxPieces)).Select(_ => Pieces[random.Next(Pieces.Length)]));

    /// <summary>No character to replace or remove: no CR, forbidden control or non-character, or lone surrogate.</summary>
    private static bool ReferenceIsClean(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var lone = (char.IsHighSurrogate(c) && (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])))
                || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1])));
            if (c == '\r' || lone || (c < 0x20 && c is not '\t' and not '\n') || c is >= '\u007F' and <= '\u009F' or '\uFFFE' or '\uFFFF')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The documented rules, one character at a time (the sanitiser's contract).</summary>
    private static string? Reference(string value, bool singleLine)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r')
            {
                if (i + 1 < value.Length && value[i + 1] == '\n')
                {
                    continue;
                }

                builder.Append(singleLine ? ' ' : '\n');
            }
            else if (c is '\n' or '\t')
            {
                builder.Append(singleLine ? ' ' : c);
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    builder.Append(c).Append(value[i + 1]);
                    i++;
                }
            }
            else if (!char.IsLowSurrogate(c) && !((c < 0x20) || c is >= '\u007F' and <= '\u009F' or '\uFFFE' or '\uFFFF'))
            {
                builder.Append(c);
            }
        }

        var result = builder.ToString().Trim();
        return result.Length == 0 ? null : result;
    }
}
