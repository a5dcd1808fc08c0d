using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace FeedProxy.Formats.Import;

/// <summary>
/// Turns the HTML fragments schedule systems put in abstracts (pentabarf, pretalx, Open Event)
/// into plain text, because feed descriptions are plain text (iCalendar DESCRIPTION, RFC 5545
/// §3.8.1.5). Whitespace follows HTML rules (runs collapse), block elements become paragraph
/// breaks, &lt;br&gt; a line break, list items "- ", and a link keeps its target
/// ("text (https://...)") unless the text already shows it. Not a full HTML parser: it never
/// throws and is linear in the input length.
/// </summary>
internal static partial class HtmlText
{
    [GeneratedRegex(@"</?(?:p|br|a|div|span|ul|ol|li|em|strong|b|i|u|h[1-6]|code|pre|blockquote|img|table|tr|td|th|hr|sup|sub|small|font|s|strike|del|ins|dl|dt|dd|section|article|iframe)\b[^<>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KnownTag();

    [GeneratedRegex(@"href\s*=\s*(?:""([^""]*)""|'([^']*)'|([^\s>]+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Href();

    private static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr",
        "hr", "dl", "section", "article", "header", "footer",
    };

    /// <summary>True when the value contains at least one common HTML tag.</summary>
    public static bool LooksLikeHtml(string value) =>
        value.Contains('<', StringComparison.Ordinal) && KnownTag().IsMatch(value);

    public static string ToPlainText(string html)
    {
        var output = new StringBuilder(html.Length);
        var pending = 0; // newlines owed before the next text: 1 = line break, 2 = paragraph
        var space = false;
        var pre = 0;
        var bullet = false; // just wrote "- ": a paragraph inside the list item must not break the line
        string? skipUntil = null;
        var links = new Stack<(string? Href, int TextStart)>();

        void Emit(string text)
        {
            foreach (var c in text)
            {
                if (pre == 0 && char.IsWhiteSpace(c) && c != '\u00A0')
                {
                    space = true;
                    continue;
                }

                if (output.Length > 0 && pending > 0)
                {
                    output.Append('\n', pending);
                    space = false;
                }
                else if (space && output.Length > 0 && output[^1] != '\n')
                {
                    output.Append(' ');
                }

                pending = 0;
                space = false;
                bullet = false;
                output.Append(c == '\u00A0' ? ' ' : c);
            }
        }

        void Break(int lines)
        {
            if (bullet)
            {
                return;
            }

            pending = Math.Max(pending, lines);
            space = false;
        }

        var i = 0;
        var nextGt = -1;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                if (skipUntil is null)
                {
                    Emit(WebUtility.HtmlDecode(html[i..]));
                }

                break;
            }

            if (lt > i && skipUntil is null)
            {
                Emit(WebUtility.HtmlDecode(html[i..lt]));
            }

            if (nextGt <= lt)
            {
                // Cached so that a run of '<' without '>' stays linear.
                nextGt = html.IndexOf('>', lt + 1);
            }

            var gt = nextGt;
            if (gt < 0)
            {
                if (skipUntil is null)
                {
                    Emit(WebUtility.HtmlDecode(html[lt..]));
                }

                break;
            }

            if (!ParseTag(html.AsSpan(lt + 1, gt - lt - 1), out var closing, out var name))
            {
                // A lone '<' ("a < b"): text, not markup.
                if (skipUntil is null)
                {
                    Emit("<");
                }

                i = lt + 1;
                continue;
            }

            i = gt + 1;
            if (skipUntil is not null)
            {
                if (closing && name.Equals(skipUntil, StringComparison.OrdinalIgnoreCase))
                {
                    skipUntil = null;
                }

                continue;
            }

            switch (name.ToLowerInvariant())
            {
                case "script" or "style" when !closing:
                    skipUntil = name;
                    break;
                case "br":
                    Break(1);
                    break;
                case "li" when !closing:
                    Break(1);
                    Emit("- ");
                    bullet = true;
                    break;
                case "pre":
                    pre = closing ? Math.Max(0, pre - 1) : pre + 1;
                    Break(2);
                    break;
                case "a" when !closing:
                    var match = Href().Match(html, lt, gt - lt);
                    var href = match.Success ? WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value) : null;
                    links.Push((href, output.Length));
                    break;
                case "a":
                    if (links.Count > 0)
                    {
                        var (target, start) = links.Pop();
                        var url = ImportText.Url(target);
                        var shown = start <= output.Length ? output.ToString(start, output.Length - start) : string.Empty;
                        if (url is not null && !shown.Contains(url.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                        {
                            Emit(shown.Length == 0 ? url : " (" + url + ")");
                        }
                    }

                    break;
                default:
                    if (BlockTags.Contains(name))
                    {
                        Break(2);
                    }

                    break;
            }
        }

        return output.ToString();
    }

    /// <summary>
    /// True when <paramref name="inner"/> (between '&lt;' and '&gt;') is a tag ("p class=x", "/p",
    /// "br/") or a comment/doctype (empty name, dropped). A '&lt;' inside means it is text.
    /// </summary>
    private static bool ParseTag(ReadOnlySpan<char> inner, out bool closing, out string name)
    {
        closing = false;
        name = string.Empty;
        if (inner.IsEmpty || inner.Contains('<'))
        {
            return false;
        }

        if (inner[0] is '!' or '?')
        {
            return true;
        }

        var start = 0;
        if (inner[0] == '/')
        {
            closing = true;
            start = 1;
        }

        var end = start;
        while (end < inner.Length && end - start < 16 && char.IsAsciiLetterOrDigit(inner[end]))
        {
            end++;
        }

        if (end == start || !char.IsAsciiLetter(inner[start]))
        {
            return false;
        }

        name = inner[start..end].ToString();
        return true;
    }
}
