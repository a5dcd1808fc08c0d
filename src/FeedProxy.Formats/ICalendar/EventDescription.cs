using FeedProxy.Formats.Model;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// The plain-text DESCRIPTION of a session. FIELD.md: no mainstream client renders HTML or
/// RFC 9073 extras, so everything a reader needs goes here as text. Contains no contact data:
/// the model has none.
/// </summary>
internal static class EventDescription
{
    public static string? Of(Session session)
    {
        using var text = new TextBuffer(256);
        Write(session, text);
        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>
    /// Appends the description (nothing when there is none) to <paramref name="text"/>, so a
    /// render writes it without making a string: blocks (subtitle, abstract, speakers, links)
    /// separated by an empty line.
    /// </summary>
    public static void Write(Session session, TextBuffer text)
    {
        var start = text.Length;
        Block(text, start, session.Subtitle);
        Block(text, start, session.Abstract);
        if (session.Speakers.Count > 0)
        {
            Separate(text, start);
            text.Append("Speakers: ");
            for (var i = 0; i < session.Speakers.Count; i++)
            {
                var speaker = session.Speakers[i];
                if (i > 0)
                {
                    text.Append(", ");
                }

                text.Append(speaker.Name);
                if (!string.IsNullOrWhiteSpace(speaker.Organisation))
                {
                    text.Append(" (").Append(speaker.Organisation).Append(')');
                }
            }
        }

        var links = false;
        Link(text, start, ref links, "URL", session.Url);
        Link(text, start, ref links, "Live stream", session.StreamUrl);
        Link(text, start, ref links, "Slides", session.SlidesUrl);
        Link(text, start, ref links, "Recording", session.VideoUrl);
    }

    private static void Block(TextBuffer text, int start, string? block)
    {
        if (!string.IsNullOrWhiteSpace(block))
        {
            Separate(text, start);
            text.Append(block.AsSpan().Trim());
        }
    }

    /// <summary>An empty line between blocks (not before the first).</summary>
    private static void Separate(TextBuffer text, int start)
    {
        if (text.Length > start)
        {
            text.Append("\n\n");
        }
    }

    /// <summary>Links are one block, one "Label: url" line each.</summary>
    private static void Link(TextBuffer text, int start, ref bool links, string label, string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return;
        }

        if (links)
        {
            text.Append('\n');
        }
        else
        {
            Separate(text, start);
            links = true;
        }

        text.Append(label).Append(": ").Append(url.AsSpan().Trim());
    }
}
