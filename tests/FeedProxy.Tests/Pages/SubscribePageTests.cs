using System.Net;
using System.Security.Cryptography;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Pages;

public sealed class SubscribePageTests : IClassFixture<FeedProxyFactory>
{
    private readonly FeedProxyFactory _factory;
    private readonly HttpClient _client;

    public SubscribePageTests(FeedProxyFactory factory)
    {
        _factory = factory;
        factory.WriteEvent("hostile", TestEvents.Conference("hostile", title: "<script>alert(1)</script><img src=x onerror=alert(2)>"));
        factory.WriteEvent("conf.2027", TestEvents.Conference("conf.2027"));
        factory.WriteEvent("hidden", TestEvents.Conference("hidden", visibility: "private"));
        factory.WriteEvent("draft", TestEvents.Conference("draft", published: false));
        _client = factory.CreatePlainClient();
    }

    [Fact]
    public async Task BrowserRequest_GetsTheHtmlPageWithSecurityHeaders()
    {
        using var response = await _client.GetAsBrowserAsync("/events/testconf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Contains("img-src data:", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("*/*", HttpStatusCode.OK)]
    [InlineData("text/calendar", HttpStatusCode.OK)]
    [InlineData("text/html;q=0", HttpStatusCode.NotAcceptable)]
    [InlineData("application/pdf", HttpStatusCode.NotAcceptable)]
    public async Task NonBrowserRequest_ForTheBareEventUrl_IsNeverHtml(string? accept, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events/testconf");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(status == HttpStatusCode.OK ? "text/calendar" : "application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Theory]
    [InlineData("/events/nosuchevent")]
    [InlineData("/events/hidden")]
    [InlineData("/events/draft")]
    [InlineData("/events/testconf.pdf")]
    public async Task PageOfAMissingPrivateOrUnpublishedEvent_Is404(string url)
    {
        using var response = await _client.GetAsBrowserAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task FeedUrls_StayFeeds_ForBrowsersToo()
    {
        using var response = await _client.GetAsBrowserAsync("/events/testconf.ics");

        Assert.Equal("text/calendar; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task EventIdWithADot_HasAPage()
    {
        using var response = await _client.GetAsBrowserAsync("/events/conf.2027");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/events/conf.2027.ics", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_HasTheHeadersOfGetAndNoBody()
    {
        using var get = await _client.GetAsBrowserAsync("/events/testconf");
        using var head = await _client.GetAsBrowserAsync("/events/testconf", HttpMethod.Head);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Page_ShowsNameDatesZoneAndEverySubscribeRoute()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");
        var text = page.Body!.TextContent;

        Assert.Equal("Test Conference", page.QuerySelector("h1")!.TextContent);
        Assert.Contains("Saturday 27 March 2027", text, StringComparison.Ordinal);
        Assert.Contains("Sunday 28 March 2027", text, StringComparison.Ordinal);
        Assert.Contains("Europe/Berlin", text, StringComparison.Ordinal);

        var hrefs = Links(page);
        Assert.Contains("webcal://localhost/events/testconf.ics", hrefs);
        Assert.Contains("https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2Flocalhost%2Fevents%2Ftestconf.ics&name=Test%20Conference", hrefs);
        Assert.Contains("https://calendar.google.com/calendar/r/settings/addbyurl", hrefs);
        Assert.Contains("Settings → Add calendar → From URL", text, StringComparison.Ordinal);

        var copy = (IHtmlInputElement)page.QuerySelector("#main-url")!;
        Assert.True(copy.IsReadOnly);
        Assert.Equal("http://localhost/events/testconf.ics", copy.Value);
        Assert.NotNull(page.QuerySelector("label[for=main-url]"));
        Assert.True(page.QuerySelector("button[data-copy=main-url]")!.HasAttribute("hidden"), "the copy button appears only with JavaScript");

        foreach (var format in new[] { ".ics", ".ics?tz=utc", ".xcs", ".xcs?dialect=pentabarf", ".rss", ".rss?profile=campus", ".atom", ".atom?profile=campus", ".json" })
        {
            Assert.Contains("http://localhost/events/testconf" + format, hrefs);
        }

        var svg = page.QuerySelector("#qr svg");
        Assert.NotNull(svg);
        Assert.Contains("http://localhost/events/testconf.ics", page.QuerySelector("#qr figure")!.GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_ListsOnlyPublicSessionsAndNoContactData()
    {
        using var response = await _client.GetAsBrowserAsync("/events/testconf");
        var html = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("Secret", html, StringComparison.Ordinal);
        Assert.DoesNotContain(TestEvents.SecretEmail, html, StringComparison.Ordinal);
        Assert.DoesNotContain("never-render-me", html, StringComparison.Ordinal);
        var page = await _client.GetDocumentAsync("/events/testconf");
        // The cancelled s3 is listed, but offers no agenda box and no "Add to calendar".
        Assert.Equal(["s1", "s2"], page.QuerySelectorAll("input[name=session]").Select(i => i.GetAttribute("value")).Order());
        Assert.Equal(
            ["http://localhost/events/testconf/sessions/s1.ics", "http://localhost/events/testconf/sessions/s2.ics"],
            Links(page).Where(h => h.Contains("/sessions/", StringComparison.Ordinal)).Order());
        var cancelled = Assert.Single(page.QuerySelectorAll("li.session.is-cancelled"));
        Assert.Contains("Cancelled Session", cancelled.TextContent, StringComparison.Ordinal);
        Assert.Empty(cancelled.QuerySelectorAll("input, a"));
    }

    [Fact]
    public async Task LocalhostLinksWithoutPublicBaseUrl_CarryAnOperatorHint_WithoutALink()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");

        var hint = page.QuerySelector("#operator-hint");
        Assert.NotNull(hint);
        Assert.Contains("localhost", hint.TextContent, StringComparison.Ordinal);
        Assert.Contains("FeedProxy__PublicBaseUrl", hint.TextContent, StringComparison.Ordinal);
        Assert.Empty(hint.QuerySelectorAll("a"));

        using var configured = new FeedProxyFactory();
        configured.Settings["FeedProxy:PublicBaseUrl"] = "https://feeds.example.org/";
        var public_ = await configured.CreatePlainClient().GetDocumentAsync("/events/testconf");
        Assert.Null(public_.QuerySelector("#operator-hint"));
        Assert.Equal("https://feeds.example.org/events/testconf.ics", ((IHtmlInputElement)public_.QuerySelector("#main-url")!).Value);
    }

    [Fact]
    public async Task Speakers_AreCheckboxes_NotACtrlClickMultiSelect()
    {
        var page = await _client.GetDocumentAsync("/events/testconf?speaker=zoe");

        Assert.Empty(page.QuerySelectorAll("select"));
        var speakers = page.QuerySelectorAll("#filter input[type=checkbox][name=speaker]").Cast<IHtmlInputElement>().ToList();
        Assert.NotEmpty(speakers);
        Assert.True(speakers.Single(s => s.Value == "zoe").IsChecked);
        Assert.DoesNotContain("Ctrl", page.QuerySelector("#filter")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QrCode_IsInTheSubscribeSection_AndSessionsAreGroupedByDayWithAnIndex()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");

        Assert.NotNull(page.QuerySelector("#subscribe #qr figure svg"));
        Assert.Equal(["#day-2027-03-27", "#day-2027-03-28"], page.QuerySelectorAll("#sessions nav.days a").Select(a => a.GetAttribute("href")));
        Assert.Equal(["day-2027-03-27", "day-2027-03-28"], page.QuerySelectorAll("#sessions details.day").Select(d => d.Id));
        // A short schedule shows every day open.
        Assert.All(page.QuerySelectorAll("#sessions details.day"), d => Assert.True(d.HasAttribute("open")));
    }

    [Fact]
    public async Task CampusProfiles_AreListedForCampusApps_NotAmongReaderFormats()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");

        Assert.DoesNotContain(Links(page.QuerySelector("#format-list")!), h => h.Contains("profile=campus", StringComparison.Ordinal));
        var campus = page.QuerySelector("#format-list-campus")!;
        Assert.Equal(["http://localhost/events/testconf.rss?profile=campus", "http://localhost/events/testconf.atom?profile=campus"], Links(campus));
        Assert.Equal("For campus apps", campus.PreviousElementSibling?.PreviousElementSibling?.TextContent);
    }

    [Fact]
    public async Task AllText_IsHtmlEncoded()
    {
        using var response = await _client.GetAsBrowserAsync("/events/hostile");
        var html = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        var page = await _client.GetDocumentAsync("/events/hostile");
        Assert.Single(page.Scripts);
        Assert.Empty(page.QuerySelectorAll("img"));
    }

    [Fact]
    public async Task InlineScript_IsTheOneTheCspHashAllows()
    {
        using var response = await _client.GetAsBrowserAsync("/events/testconf");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        var script = Assert.Single(page.Scripts);
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Text)));
        Assert.Contains($"script-src 'sha256-{hash}'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain(page.QuerySelectorAll("[style]"), e => !e.ClassList.Contains("swatch"));
        // rel=alternate (feed autodiscovery of the change feed) loads nothing; any other link would.
        Assert.Empty(page.QuerySelectorAll("link:not([rel=alternate]), iframe, object, embed, img[src^=http], script[src]"));
    }

    [Fact]
    public async Task EachTrack_HasItsOwnOneClickSubscribeLink()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");
        var hrefs = page.QuerySelectorAll("#tracks a").Select(a => a.GetAttribute("href")).ToList();

        Assert.Contains("webcal://localhost/events/testconf.ics?track=security", hrefs);
        Assert.Contains("webcal://localhost/events/testconf.ics?track=web", hrefs);
        Assert.Contains("/events/testconf?track=security#subscribe", hrefs);
    }

    [Fact]
    public async Task FilterForm_IsAPlainGetToThePage_AndItsSubmissionCarriesTheFilters()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");
        var form = (IHtmlFormElement)page.QuerySelector("#filter form")!;
        Assert.Equal("get", form.Method.ToLowerInvariant());
        Assert.Equal("/events/testconf#subscribe", form.GetAttribute("action"));
        foreach (var name in new[] { "track", "room", "speaker", "day", "type" })
        {
            Assert.NotEmpty(form.QuerySelectorAll($"[name={name}]"));
        }

        // What a browser sends when "Web Platform" and the 28th are ticked.
        var filtered = await _client.GetDocumentAsync("/events/testconf?track=web&day=2027-03-28");

        Assert.Equal("http://localhost/events/testconf.ics?track=web&day=2027-03-28", ((IHtmlInputElement)filtered.QuerySelector("#main-url")!).Value);
        Assert.Contains("webcal://localhost/events/testconf.ics?track=web&day=2027-03-28", Links(filtered));
        Assert.Contains("http://localhost/events/testconf.rss?profile=campus&track=web&day=2027-03-28", Links(filtered));
        Assert.True(((IHtmlInputElement)filtered.QuerySelector("#filter input[name=track][value=web]")!).IsChecked);
        Assert.False(((IHtmlInputElement)filtered.QuerySelector("#filter input[name=track][value=security]")!).IsChecked);
        Assert.Equal(["s2"], filtered.QuerySelectorAll("input[name=session]").Select(i => i.GetAttribute("value")).Order()); // s3 is cancelled: listed, not choosable
    }

    [Fact]
    public async Task FilterByNameOrSlug_IsShownWithCanonicalValues()
    {
        var filtered = await _client.GetDocumentAsync("/events/testconf?track=Web%20Platform&type=WORKSHOP&speaker=Zo%C3%AB%20%C3%98deg%C3%A5rd");

        Assert.Equal("http://localhost/events/testconf.ics?track=web&speaker=zoe&type=workshop", ((IHtmlInputElement)filtered.QuerySelector("#main-url")!).Value);
    }

    [Fact]
    public async Task UnknownFilterValue_OnThePage_Is400NamingIt()
    {
        using var response = await _client.GetAsBrowserAsync("/events/testconf?track=nosuchtrack");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nosuchtrack", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_IsAccessibleByStructure()
    {
        var page = await _client.GetDocumentAsync("/events/testconf");

        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.NotNull(page.QuerySelector("meta[name=viewport][content*='width=device-width']"));
        Assert.Single(page.QuerySelectorAll("h1"));
        Assert.Single(page.QuerySelectorAll("main"));
        var levels = page.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => h.LocalName[1] - '0').ToList();
        for (var i = 1; i < levels.Count; i++)
        {
            Assert.True(levels[i] <= levels[i - 1] + 1, $"heading level jumps from h{levels[i - 1]} to h{levels[i]}");
        }

        var ids = page.QuerySelectorAll("[id]").Select(e => e.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var control in page.QuerySelectorAll("input:not([type=hidden]), select"))
        {
            var labelled = control.Closest("label") is not null
                || (control.Id is { Length: > 0 } id && page.QuerySelector($"label[for='{id}']") is not null);
            Assert.True(labelled, $"unlabelled control {control.OuterHtml}");
        }

        foreach (var link in page.QuerySelectorAll("a, button"))
        {
            Assert.False(string.IsNullOrWhiteSpace(link.TextContent), $"control without a name: {link.OuterHtml}");
        }

        Assert.Contains(":focus-visible", page.QuerySelector("style")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryLinkOnThePage_Resolves()
    {
        var checkedUrls = await _client.CheckLinksAsync("/events/testconf");
        await _client.CheckLinksAsync("/events/testconf?track=web&day=2027-03-28");
        await _client.CheckLinksAsync("/events/testconf?session=s1&session=s3");

        Assert.Contains("/events/testconf.ics", checkedUrls);
    }

    private static List<string> Links(IParentNode node) =>
        node.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).ToList();
}
