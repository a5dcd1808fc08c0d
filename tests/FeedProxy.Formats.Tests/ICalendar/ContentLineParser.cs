using System.Text;

namespace FeedProxy.Formats.Tests.ICalendar;

/// <summary>Test-side reader of RFC 5545 text: splits physical lines, unfolds and unescapes.</summary>
internal static class ContentLineParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Physical lines as raw octets; asserts every line ends with CRLF.</summary>
    public static List<byte[]> PhysicalLines(ReadOnlySpan<byte> octets)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < octets.Length; i++)
        {
            if (octets[i] == (byte)'\n')
            {
                Assert.True(i > start || i > 0, "empty input line");
                Assert.Equal((byte)'\r', octets[i - 1]);
                lines.Add(octets[start..(i - 1)].ToArray());
                start = i + 1;
            }
            else if (octets[i] == (byte)'\r')
            {
                Assert.True(i + 1 < octets.Length && octets[i + 1] == (byte)'\n', "bare CR");
            }
        }

        Assert.Equal(octets.Length, start); // the last line ends with CRLF too
        return lines;
    }

    /// <summary>Decodes a physical line, failing on any invalid UTF-8 (a split sequence).</summary>
    public static string Decode(byte[] line) => StrictUtf8.GetString(line);

    /// <summary>Logical lines: continuation lines (leading space) joined to their predecessor.</summary>
    public static List<string> Unfold(ReadOnlySpan<byte> octets)
    {
        var logical = new List<string>();
        foreach (var line in PhysicalLines(octets))
        {
            var text = Decode(line);
            if (text.StartsWith(' '))
            {
                Assert.NotEmpty(logical);
                logical[^1] += text[1..];
            }
            else
            {
                logical.Add(text);
            }
        }

        return logical;
    }

    /// <summary>Undoes RFC 5545 §3.3.11 TEXT escaping; fails on an unknown escape.</summary>
    public static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                builder.Append(text[i]);
                continue;
            }

            Assert.True(i + 1 < text.Length, "dangling backslash");
            builder.Append(text[++i] switch
            {
                'n' or 'N' => '\n',
                '\\' => '\\',
                ';' => ';',
                ',' => ',',
                var other => throw new Xunit.Sdk.XunitException($"unknown escape \\{other}"),
            });
        }

        return builder.ToString();
    }

    /// <summary>Splits "NAME;PARAMS:VALUE" at the first colon outside a quoted parameter value.</summary>
    public static (string NameAndParameters, string Value) Split(string logicalLine)
    {
        var quoted = false;
        for (var i = 0; i < logicalLine.Length; i++)
        {
            if (logicalLine[i] == '"')
            {
                quoted = !quoted;
            }
            else if (logicalLine[i] == ':' && !quoted)
            {
                return (logicalLine[..i], logicalLine[(i + 1)..]);
            }
        }

        throw new Xunit.Sdk.XunitException("no value separator in: " + logicalLine);
    }
}
