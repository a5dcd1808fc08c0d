using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace FeedProxy.Pages;

/// <summary>
/// Minimal HTML writer: markup is written with <see cref="Raw"/> (constants only), and every
/// piece of data goes through <see cref="Text"/> or <see cref="Attr"/>, which encode it.
/// </summary>
internal sealed class HtmlBuilder
{
    // All of Unicode passes through unescaped (the page is UTF-8); markup characters and
    // quotes are always encoded, so the same encoder is safe in text and quoted attributes.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _html = new(32 * 1024);

    public HtmlBuilder Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    public HtmlBuilder Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Encoder.Encode(new StringWriter(_html), text);
        }

        return this;
    }

    /// <summary>Writes <c> name="value"</c> with the value encoded.</summary>
    public HtmlBuilder Attr(string name, string? value)
    {
        _html.Append(' ').Append(name).Append("=\"");
        Text(value);
        _html.Append('"');
        return this;
    }

    /// <summary>Writes <c> name</c> when <paramref name="on"/> is true (boolean attributes: checked, selected).</summary>
    public HtmlBuilder Flag(string name, bool on)
    {
        if (on)
        {
            _html.Append(' ').Append(name);
        }

        return this;
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_html.ToString());

    public override string ToString() => _html.ToString();
}
