using System.Net;
using System.Text;
using System.Xml.Linq;

namespace FeedProxy.Tests.CalDav;

/// <summary>DAV requests as clients send them, and reading their multistatus answers.</summary>
internal static class CalDavRequests
{
    public static readonly XNamespace D = "DAV:";
    public static readonly XNamespace C = "urn:ietf:params:xml:ns:caldav";

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, string method, string path, string? body = null, string? depth = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        }

        if (depth is not null)
        {
            request.Headers.Add("Depth", depth);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    public static async Task<XElement> MultistatusAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == (HttpStatusCode)207, $"{(int)response.StatusCode}: {text}");
        return XElement.Parse(text);
    }

    /// <summary>Response hrefs of a multistatus whose status (per response or first propstat) is <paramref name="status"/>.</summary>
    public static IReadOnlyList<string> Hrefs(this XElement multistatus, int status = 200) =>
        [.. multistatus.Elements(D + "response")
            .Where(r => (r.Element(D + "status") ?? r.Element(D + "propstat")?.Element(D + "status"))?.Value.Contains($" {status} ", StringComparison.Ordinal) == true)
            .Select(r => r.Element(D + "href")!.Value)];

    public static string Propfind(params XName[] names) =>
        new XElement(D + "propfind", new XAttribute(XNamespace.Xmlns + "d", D), new XAttribute(XNamespace.Xmlns + "c", C),
            new XElement(D + "prop", names.Select(n => new XElement(n)))).ToString();

    public static string SyncCollection(string token) =>
        $"""<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>""";
}
