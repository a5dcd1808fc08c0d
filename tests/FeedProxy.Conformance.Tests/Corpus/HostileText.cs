using System.Text;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>
/// Text built to break feeds: characters XML 1.0 forbids, line breaks of every kind,
/// broken UTF-16, multi-byte and combining sequences, and content-line or markup
/// injections. Fillers of random length in front of each fragment move it across every
/// octet position, so over the corpus each lands on a 75-octet fold boundary
/// (RFC 5545 §3.1) many times.
/// </summary>
internal sealed class HostileText(Random random)
{
    private static readonly string[] Controls =
    [
        "\u0000", "\u0001", "\u0008", "\u000B", "\u000C", "\u001B", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F",
        "\uFFFE", "\uFFFF", "\uFEFF", "\u2028", "\u2029",
    ];

    private static readonly string[] LineBreaks = ["\r", "\n", "\r\n", "\n\r", "\r\r\n", "\t", "\v"];

    // Unpaired halves of surrogate pairs: not encodable in UTF-8 at all.
    private static readonly string[] BrokenUtf16 = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDC00\uD800"];

    private static readonly string[] Wide =
    [
        "é", "€", "日本語", "😀", "👩‍👩‍👧‍👦", "🇧🇪", "👍🏽", "🏳️‍🌈", "𝄞", "𐍈",
        "e\u0301", "Z\u0336\u0337\u0338\u0335", "\u0915\u094D\u0937", "\uFDFA", "\u1100\u1161\u11A8",
        "שלום", "مرحبا", "\u202Eevil\u202C", "a\u00ADb", "\u200B", "\u200D", "\u00A0", "\u3000",
    ];

    private static readonly string[] Injections =
    [
        "\nEND:VEVENT\nBEGIN:VEVENT", "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\n", "\r\nEND:VCALENDAR\r\n",
        "SUMMARY:injected", "DTSTART:19700101T000000Z", ";TZID=Evil:", "\\n", "\\", "\\,", "\\;", ",", ";", ":",
        "\"", "'", "]]>", "</title>", "<![CDATA[", "]]]]><![CDATA[>", "</description></item><item><title>injected",
        "</content></entry><entry>", "&amp;", "&#x1;", "&lt;", "&", "<", ">", "<script>alert(1)</script>",
        "<img src=\"https://evil.example/x.png\">", "\"]}", "\\u0000", "</script>", "{{x}}", "%s%n", "--", "-->",
        "<!--", "x-wr-calname", "\u0000END:VEVENT",
    ];

    private static readonly string[] FillerPieces = ["x", "x", "x", "x", " ", "é", "€", "😀", "\\", ","];

    /// <summary>Single-line field text (titles, names): may contain anything, including nothing visible.</summary>
    public string Line(int segments = 3)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < segments; i++)
        {
            Filler(builder, random.Next(0, 80));
            builder.Append(Fragment());
        }

        if (random.Next(4) == 0)
        {
            Filler(builder, random.Next(0, 40));
        }

        return builder.ToString();
    }

    /// <summary>Multi-line text of about <paramref name="length"/> UTF-16 units, cut anywhere (even inside a pair).</summary>
    public string Text(int length)
    {
        var builder = new StringBuilder(length + 100);
        while (builder.Length < length)
        {
            Filler(builder, random.Next(0, 120));
            builder.Append(Fragment());
            if (random.Next(5) == 0)
            {
                builder.Append(Pick(LineBreaks));
            }
        }

        return builder.ToString(0, length);
    }

    /// <summary>Empty, white space only, or nothing but characters the sanitiser removes.</summary>
    public string Blank() => Pick(["", " ", "   ", "\t", "\r\n", " \n\t\r ", "\u00A0", "\u2003\u3000", "\u0001\u0002", "\uD800", "\uFEFF \uFFFE"]);

    public string Fragment() => random.Next(10) switch
    {
        0 or 1 => Pick(Controls),
        2 => Pick(LineBreaks),
        3 => Pick(BrokenUtf16),
        4 or 5 or 6 => Pick(Wide),
        _ => Pick(Injections),
    };

    private void Filler(StringBuilder builder, int count)
    {
        for (var i = 0; i < count; i++)
        {
            builder.Append(Pick(FillerPieces));
        }
    }

    private string Pick(string[] values) => values[random.Next(values.Length)];
}
