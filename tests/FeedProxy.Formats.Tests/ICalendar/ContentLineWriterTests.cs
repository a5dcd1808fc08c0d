using System.Buffers;
using System.Text;
using FeedProxy.Formats.ICalendar;

namespace FeedProxy.Formats.Tests.ICalendar;

public class ContentLineWriterTests
{
    // Pieces chosen to stress folding: 1-4 octet code points, every escaped character, spaces.
    private static readonly string[] Alphabet =
    [
        "a", "Z", "0", " ", ":", "\"", "\t", "\\", ";", ",", "\n",
        "é", "ø", "ß", "€", "田", "花", "—", "😀", "🦀", "🎉", "\U0001F9D1\u200D\U0001F4BB",
    ];

    private static byte[] Render(Action<ContentLineWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new ContentLineWriter(buffer);
        write(writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] RenderText(string name, string text) => Render(w =>
    {
        w.WriteAscii(name);
        w.WriteAscii(':');
        w.WriteText(text);
        w.EndLine();
    });

    private static string RandomText(Random random, int maxPieces)
    {
        var builder = new StringBuilder();
        var count = random.Next(0, maxPieces);
        for (var i = 0; i < count; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    [Fact]
    public void FoldAndEscape_RandomText_KeepsEveryInvariant()
    {
        var random = new Random(20270326);
        for (var run = 0; run < 5000; run++)
        {
            // Names of varying length move the fold points across every alignment.
            var name = "X-" + new string('N', random.Next(0, 80));
            var text = RandomText(random, 200);
            var octets = RenderText(name, text);

            var physical = ContentLineParser.PhysicalLines(octets);
            for (var i = 0; i < physical.Count; i++)
            {
                Assert.True(physical[i].Length <= 75, $"run {run}: line of {physical[i].Length} octets");
                ContentLineParser.Decode(physical[i]); // throws on a split UTF-8 sequence
                Assert.False(physical[i] is [(byte)' '], $"run {run}: empty continuation line");
                Assert.True(i == 0 || physical[i][0] == (byte)' ', $"run {run}: one logical line expected");
            }

            AssertNoFoldInsideEscape(physical, run);
            var logical = Assert.Single(ContentLineParser.Unfold(octets));
            var (head, value) = ContentLineParser.Split(logical);
            Assert.Equal(name, head);
            Assert.Equal(text, ContentLineParser.Unescape(value));
        }
    }

    [Fact]
    public void WriteText_RunWise_EqualsUnitByUnit()
    {
        // The run-wise TEXT path (transcoding a line at a time) against the unit-by-unit
        // reference, on text the run-wise path takes: no C1 controls, but everything else
        // including lone surrogates, CR, DEL, tabs and multi-unit graphemes.
        string[] hostile = [.. Alphabet, "\r", "\r\n", "\u0001", "\u001F", "\u007F", "\uD800", "\uDC00", "e\u0301", "\uFFFE", "\uFFFF", "\u00A0", "\u2028"];
        var random = new Random(20271031);
        for (var run = 0; run < 5000; run++)
        {
            var name = "X-" + new string('N', random.Next(0, 80));
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 300)).Select(_ => hostile[random.Next(hostile.Length)]));
            var runWise = RenderText(name, text);
            var unitByUnit = Render(w =>
            {
                w.WriteAscii(name);
                w.WriteAscii(':');
                w.WriteTextByChar(text);
                w.EndLine();
            });
            Assert.True(unitByUnit.AsSpan().SequenceEqual(runWise), $"run {run}: {Encoding.UTF8.GetString(runWise)}");
        }
    }

    [Fact]
    public void WriteText_C1Control_IsDroppedByTheReferencePath()
    {
        var octets = RenderText("SUMMARY", string.Concat(Enumerable.Repeat("ab\u0085c,", 20)));
        Assert.Equal("SUMMARY:" + string.Concat(Enumerable.Repeat("abc\\,", 20)), Assert.Single(ContentLineParser.Unfold(octets)));
    }

    [Fact]
    public void Fold_NeverSplitsUtf8Sequence()
    {
        for (var prefix = 0; prefix < 8; prefix++)
        {
            var octets = RenderText("SUMMARY", new string('a', prefix) + string.Concat(Enumerable.Repeat("田🦀é", 40)));
            foreach (var line in ContentLineParser.PhysicalLines(octets))
            {
                Assert.True(line.Length <= 75);
                ContentLineParser.Decode(line);
            }
        }
    }

    [Fact]
    public void Fold_NeverSplitsEscape()
    {
        for (var prefix = 0; prefix < 4; prefix++)
        {
            var octets = RenderText("DESCRIPTION", new string('a', prefix) + string.Concat(Enumerable.Repeat("\n,;\\", 60)));
            AssertNoFoldInsideEscape(ContentLineParser.PhysicalLines(octets), prefix);
        }
    }

    [Fact]
    public void Fold_LineOfExactly75Octets_HasNoContinuation()
    {
        var octets = RenderText("SUMMARY", new string('x', 75 - "SUMMARY:".Length));
        var line = Assert.Single(ContentLineParser.PhysicalLines(octets));
        Assert.Equal(75, line.Length);
    }

    [Fact]
    public void Fold_76Octets_FoldsOnceWithCrlfSpace()
    {
        var octets = RenderText("SUMMARY", new string('x', 76 - "SUMMARY:".Length));
        Assert.Equal("SUMMARY:" + new string('x', 67) + "\r\n x\r\n", Encoding.UTF8.GetString(octets));
    }

    [Fact]
    public void WriteText_EscapesBackslashSemicolonCommaNewline_NotColon()
    {
        var octets = RenderText("SUMMARY", "a\\b;c,d\ne:f");
        Assert.Equal("SUMMARY:a\\\\b\\;c\\,d\\ne:f\r\n", Encoding.UTF8.GetString(octets));
    }

    [Fact]
    public void WriteText_DropsControlCharacters_KeepsTab()
    {
        var octets = RenderText("SUMMARY", "a\u0001b\u007Fc\u0085d\te");
        Assert.Equal("SUMMARY:abcd\te\r\n", Encoding.UTF8.GetString(octets));
    }

    [Fact]
    public void WriteText_CrLfBecomesOneEscapedNewline()
    {
        var octets = RenderText("SUMMARY", "a\r\nb\rc");
        Assert.Equal("SUMMARY:a\\nb\\nc\r\n", Encoding.UTF8.GetString(octets));
    }

    [Fact]
    public void WriteText_LoneSurrogate_BecomesReplacementCharacter()
    {
        var octets = RenderText("SUMMARY", "a\uD800b");
        Assert.Equal("SUMMARY:a\uFFFDb\r\n", Encoding.UTF8.GetString(octets));
    }

    [Theory]
    [InlineData("Live stream", "Live stream")]
    [InlineData("a:b", "\"a:b\"")]
    [InlineData("a;b", "\"a;b\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "say 'hi'")]
    [InlineData("say \"hi\", ok", "\"say 'hi', ok\"")]
    [InlineData("line\nbreak", "linebreak")]
    public void WriteParameterValue_QuotesSpecialCharacters_ReplacesDquote(string value, string expected)
    {
        var octets = Render(w =>
        {
            w.WriteAscii("X;P=");
            w.WriteParameterValue(value);
            w.WriteAscii(":v");
            w.EndLine();
        });
        Assert.Equal($"X;P={expected}:v\r\n", Encoding.UTF8.GetString(octets));
    }

    [Fact]
    public void WriteUri_PercentEncodesWhiteSpaceAndControls()
    {
        var octets = Render(w =>
        {
            w.WriteAscii("URL:");
            w.WriteUri("https://x.example/a b\nc;d,e");
            w.EndLine();
        });
        Assert.Equal("URL:https://x.example/a%20b%0Ac;d,e\r\n", Encoding.UTF8.GetString(octets));
    }

    /// <summary>
    /// Walks the logical line, tracking whether the next character completes an escape; a fold
    /// (a boundary between physical lines) must never fall there.
    /// </summary>
    private static void AssertNoFoldInsideEscape(List<byte[]> physical, int run)
    {
        var pendingEscape = false;
        for (var i = 0; i < physical.Count; i++)
        {
            var text = ContentLineParser.Decode(physical[i]);
            if (i > 0)
            {
                Assert.False(pendingEscape, $"run {run}: fold inside an escape before line {i}");
                text = text[1..];
            }

            foreach (var c in text)
            {
                pendingEscape = !pendingEscape && c == '\\';
            }
        }

        Assert.False(pendingEscape, $"run {run}: dangling backslash");
    }
}
