using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>A DAV:error body (207 answers are <see cref="MultistatusResult"/>), UTF-8, never cached by shared caches.</summary>
internal sealed class DavXmlResult(int status, XElement body, bool isPrivate = false) : IResult
{
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false, OmitXmlDeclaration = false, NewLineHandling = NewLineHandling.Entitize };

    public int Status => status;

    public XElement Body => body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var bytes = Serialize(body);
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/xml; charset=utf-8";
        // Answers depend on the request body, which no HTTP cache keys on.
        response.Headers.CacheControl = isPrivate ? "private, no-cache" : "no-cache";
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }

    public static byte[] Serialize(XElement element)
    {
        var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, Settings))
        {
            element.WriteTo(writer);
        }

        return output.ToArray();
    }

    /// <summary>A DAV:error body naming the precondition that failed (RFC 4918 §16).</summary>
    public static DavXmlResult Error(int status, XName condition, params object[] content) =>
        new(status, new XElement(DavNames.Error, Namespaces(), new XElement(condition, content)));

    /// <summary>A DAV:error body with a human-readable reason only (malformed requests).</summary>
    public static DavXmlResult Problem(int status, string message) =>
        new(status, new XElement(DavNames.Error, Namespaces(), new XElement(DavNames.Dav + "responsedescription", message)));

    /// <summary>Prefixes declared once on the root, so every response is short and readable.</summary>
    public static IEnumerable<XAttribute> Namespaces() =>
    [
        new(XNamespace.Xmlns + "d", DavNames.Dav.NamespaceName),
        new(XNamespace.Xmlns + "cal", DavNames.CalDav.NamespaceName),
        new(XNamespace.Xmlns + "cs", DavNames.CalendarServer.NamespaceName),
        new(XNamespace.Xmlns + "ical", DavNames.Apple.NamespaceName),
    ];
}
