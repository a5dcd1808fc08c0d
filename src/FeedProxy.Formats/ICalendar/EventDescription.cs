using System.Text;
using FeedProxy.Formats.Model;

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
        var blocks = new List<string>(4);
        Add(blocks, session.Subtitle);
        Add(blocks, session.Abstract);
        if (session.Speakers.Count > 0)
        {
            var speakers = new StringBuilder("Speakers: ");
            for (var i = 0; i < session.Speakers.Count; i++)
            {
                var speaker = session.Speakers[i];
                if (i > 0)
                {
                    speakers.Append(", ");
                }

                speakers.Append(speaker.Name);
                if (!string.IsNullOrWhiteSpace(speaker.Organisation))
                {
                    speakers.Append(" (").Append(speaker.Organisation).Append(')');
                }
            }

            blocks.Add(speakers.ToString());
        }

        var links = new StringBuilder();
        AddLink(links, "URL", session.Url);
        AddLink(links, "Live stream", session.StreamUrl);
        AddLink(links, "Slides", session.SlidesUrl);
        AddLink(links, "Recording", session.VideoUrl);
        if (links.Length > 0)
        {
            blocks.Add(links.ToString());
        }

        return blocks.Count == 0 ? null : string.Join("\n\n", blocks);
    }

    private static void Add(List<string> blocks, string? text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            blocks.Add(text.Trim());
        }
    }

    private static void AddLink(StringBuilder links, string label, string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return;
        }

        if (links.Length > 0)
        {
            links.Append('\n');
        }

        links.Append(label).Append(": ").Append(url.Trim());
    }
}
