namespace FeedProxy.Formats.Import;

/// <summary>
/// Picks recording, live stream and slides URLs out of a session's generic link and attachment
/// lists (frab &lt;links&gt;/&lt;attachments&gt;, schedule JSON "links"/"attachments"), where
/// only the title, a type or the file name says what a link is.
/// </summary>
internal static class MediaLinks
{
    private static readonly string[] VideoExtensions = [".mp4", ".webm", ".ogv", ".ogg", ".mkv", ".m4v", ".mov"];
    private static readonly string[] SlideExtensions = [".pdf", ".odp", ".ppt", ".pptx", ".key"];

    public static (string? Video, string? Stream, string? Slides) Pick(IEnumerable<(string? Href, string? Title, string? Type)> links, Uri? baseUri)
    {
        string? video = null, stream = null, slides = null;
        var videoIsMp4 = false;
        foreach (var (href, title, type) in links)
        {
            var url = ImportText.Url(href, baseUri);
            if (url is null)
            {
                continue;
            }

            var label = ((title ?? string.Empty) + " " + (type ?? string.Empty)).ToUpperInvariant();
            var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
            if (label.Contains("FEEDBACK", StringComparison.Ordinal) || label.Contains("CHAT", StringComparison.Ordinal))
            {
                continue;
            }

            if (label.Contains("SLIDE", StringComparison.Ordinal)
                || (SlideExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)) && !label.Contains("PAPER", StringComparison.Ordinal)))
            {
                slides ??= url;
            }
            else if (label.Contains("STREAM", StringComparison.Ordinal) || label.Contains("LIVE", StringComparison.Ordinal))
            {
                stream ??= url;
            }
            else if (label.Contains("VIDEO", StringComparison.Ordinal) || label.Contains("RECORDING", StringComparison.Ordinal)
                || VideoExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase))
                || (uri is not null && (uri.Host.StartsWith("video.", StringComparison.OrdinalIgnoreCase) || uri.Host.Equals("media.ccc.de", StringComparison.OrdinalIgnoreCase))))
            {
                // MP4 plays in the most clients; otherwise the first recording link wins.
                var mp4 = path.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase);
                if (video is null || (mp4 && !videoIsMp4))
                {
                    video = url;
                    videoIsMp4 = mp4;
                }
            }
        }

        return (video, stream, slides);
    }
}
