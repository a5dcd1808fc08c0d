using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace FeedProxy.Tests.Pages;

/// <summary>Requests as a browser does (Accept: text/html) and parses the answer.</summary>
internal static class PageClient
{
    public const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    public static async Task<HttpResponseMessage> GetAsBrowserAsync(this HttpClient client, string url, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(BrowserAccept);
        return await client.SendAsync(request);
    }

    public static async Task<IHtmlDocument> GetDocumentAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsBrowserAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }
}
