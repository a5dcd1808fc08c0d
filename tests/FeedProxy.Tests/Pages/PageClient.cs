using System.Net;
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

    /// <summary>Follows every link, form action and copy field of a page; webcal:// is fetched as http://.</summary>
    public static async Task<List<string>> CheckLinksAsync(this HttpClient client, string pageUrl)
    {
        var page = await client.GetDocumentAsync(pageUrl);
        var formActions = page.QuerySelectorAll("form").Select(f => f.GetAttribute("action")!).ToHashSet(StringComparer.Ordinal);
        var targets = page.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!)
            .Concat(formActions)
            .Concat(page.QuerySelectorAll("input[readonly]").Select(i => ((IHtmlInputElement)i).Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var failures = new List<string>();
        var checkedPaths = new List<string>();
        foreach (var target in targets)
        {
            if (target.StartsWith('#'))
            {
                if (page.GetElementById(target[1..]) is null)
                {
                    failures.Add($"{target}: no such element");
                }

                continue;
            }

            var absolute = new Uri(new Uri("http://localhost/"), target.StartsWith("webcal://", StringComparison.Ordinal) ? "http://" + target[9..] : target);
            if (absolute.Host is "outlook.live.com")
            {
                var query = System.Web.HttpUtility.ParseQueryString(absolute.Query);
                absolute = new Uri(query["url"]!);
                Assert.False(string.IsNullOrEmpty(query["name"]));
            }
            else if (absolute.Host is "calendar.google.com")
            {
                continue;
            }

            Assert.Equal("localhost", absolute.Host);
            using var response = await client.GetAsBrowserAsync(absolute.PathAndQuery);
            checkedPaths.Add(absolute.PathAndQuery);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"{target} -> {(int)response.StatusCode}");
            }
            else if (absolute.Fragment.Length > 1 && !formActions.Contains(target)
                && new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).GetElementById(absolute.Fragment[1..]) is null)
            {
                // A form's fragment names what its submission shows (#agenda), not what the bare action shows.
                failures.Add($"{target}: the target has no element {absolute.Fragment}");
            }
        }

        Assert.True(failures.Count == 0, $"{pageUrl}: broken links:\n" + string.Join('\n', failures));
        return checkedPaths;
    }
}
