using System.Xml;
using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>A request body that cannot be answered: its status and the DAV precondition or message to report.</summary>
internal sealed class DavRequestException(int status, string message, XName? condition = null) : Exception(message)
{
    public int Status { get; } = status;

    public XName? Condition { get; } = condition;
}

/// <summary>
/// Reads the XML body of PROPFIND and REPORT with the same guards as XML imports
/// (docs/security.md): a bounded size (413 beyond it, before anything is parsed), DTDs
/// prohibited (no entity expansion, no external entity can be fetched: XXE), no resolver,
/// bounded nesting depth and element count. A body that breaks any rule is a 4xx, never a 500.
/// </summary>
internal static class DavRequestReader
{
    /// <summary>Largest body: a calendar-multiget of a few thousand hrefs fits easily.</summary>
    internal const int MaxBodyBytes = 1024 * 1024;

    internal const int MaxDepth = 32;

    internal const int MaxElements = 50_000;

    /// <summary>The body's root element, or null when the body is empty.</summary>
    public static async Task<XElement?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new DavRequestException(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {MaxBodyBytes} bytes.");
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new DavRequestException(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {MaxBodyBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0 ? null : Parse(buffer.ToArray());
    }

    /// <summary>Parses a body already read (tests call it directly).</summary>
    internal static XElement? Parse(byte[] body)
    {
        if (body.AsSpan().Trim((byte)' ').Trim("\r\n\t"u8).IsEmpty)
        {
            return null;
        }

        var settings = Formats.Text.SafeXml.ReaderSettings(closeInput: true, maxCharacters: MaxBodyBytes);
        try
        {
            // Counted while reading, so a hostile shape is refused before any tree is built.
            using (var counter = XmlReader.Create(new MemoryStream(body), settings))
            {
                var elements = 0;
                while (counter.Read())
                {
                    if (counter.NodeType != XmlNodeType.Element)
                    {
                        continue;
                    }

                    if (++elements > MaxElements)
                    {
                        throw new DavRequestException(StatusCodes.Status400BadRequest, $"The request body has more than {MaxElements} elements.");
                    }

                    if (counter.Depth >= MaxDepth)
                    {
                        throw new DavRequestException(StatusCodes.Status400BadRequest, $"The request body nests elements deeper than {MaxDepth}.");
                    }
                }
            }

            using var reader = XmlReader.Create(new MemoryStream(body), settings);
            return XElement.Load(reader);
        }
        catch (XmlException ex)
        {
            var message = ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "Document type declarations (DTDs) are not accepted."
                : "The request body is not well-formed XML: " + ex.Message;
            throw new DavRequestException(StatusCodes.Status400BadRequest, message);
        }
    }
}
