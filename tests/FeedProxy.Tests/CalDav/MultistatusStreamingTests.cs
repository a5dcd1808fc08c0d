using System.Net;
using FeedProxy.Testing;
using FeedProxy.Tests.Support;
using static FeedProxy.Tests.CalDav.CalDavRequests;

namespace FeedProxy.Tests.CalDav;

/// <summary>
/// The streamed multistatus bodies: well-formed, namespaced as clients read them, and carrying
/// each object's bytes exactly (markup characters, non-ASCII text and folded CRLF lines
/// included), so what a full sync hands over is what GET serves and the .ics holds.
/// </summary>
public sealed class MultistatusStreamingTests : IDisposable
{
    private const string Calendar = "/dav/calendars/xmlconf/";
    private readonly FeedProxyFactory _factory = new();
    private readonly HttpClient _client;

    public MultistatusStreamingTests()
    {
        _factory.WriteEvent("xmlconf", CalDavSchedule.Json(
            @abstract: "R&D <b>bold</b> ]]> caf\\u00e9 \\ud83c\\udf89 \\\"quoted\\\", and a line long enough to be folded over seventy-five octets by the writer."));
        _client = _factory.CreatePlainClient();
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task FullSync_CarriesEveryObjectsGetBytes_AndListsUnknownPropertiesUnder404()
    {
        const string Body = """<d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:x="urn:example"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/><c:calendar-data/><x:nothing/><d:getcontentlength/></d:prop></d:sync-collection>""";
        using var response = await _client.SendAsync("REPORT", Calendar, Body, "1");
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\"", text, StringComparison.Ordinal);
        var multistatus = await response.MultistatusAsync();
        Assert.Equal(CalDavSchedule.AllObjects.Select(n => Calendar + n.Replace("davconf", "xmlconf", StringComparison.Ordinal)), multistatus.Hrefs().Order(StringComparer.Ordinal));
        foreach (var item in multistatus.Elements(D + "response"))
        {
            using var get = await _client.GetAsync(new Uri(item.Element(D + "href")!.Value, UriKind.Relative));
            var bytes = await get.Content.ReadAsStringAsync();
            Assert.Equal(bytes, item.Descendants(C + "calendar-data").Single().Value);
            Assert.Equal(get.Headers.ETag!.Tag, item.Descendants(D + "getetag").Single().Value);
            Assert.Equal(get.Content.Headers.ContentLength!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Descendants(D + "getcontentlength").Single().Value);
            var missing = item.Elements(D + "propstat").Single(p => p.Element(D + "status")!.Value.Contains(" 404 ", StringComparison.Ordinal));
            Assert.Equal([(System.Xml.Linq.XNamespace)"urn:example" + "nothing"], missing.Element(D + "prop")!.Elements().Select(e => e.Name));
        }

        var opening = multistatus.Descendants(C + "calendar-data").Select(d => d.Value).Single(v => v.Contains("UID:s1-xmlconf@", StringComparison.Ordinal));
        Assert.Contains("R&D <b>bold</b> ]]> café 🎉", opening.Replace("\r\n ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\r\n ", opening, StringComparison.Ordinal);
        Assert.StartsWith("http://feedproxy.invalid/ns/sync/", multistatus.Element(D + "sync-token")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiget_EchoesAnHrefWithMarkupCharacters_Escaped()
    {
        const string Body = """<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><d:href>/dav/calendars/xmlconf/a&amp;b&lt;c&gt;.ics</d:href></c:calendar-multiget>""";
        using var response = await _client.SendAsync("REPORT", Calendar, Body, "1");
        Assert.Equal(["/dav/calendars/xmlconf/a&b<c>.ics"], (await response.MultistatusAsync()).Hrefs(404));
    }

    [Fact]
    public async Task PropnameAndAllprop_OfACalendarAndItsObjects_AreWellFormed()
    {
        using var names = await _client.SendAsync("PROPFIND", Calendar, """<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>""", "1");
        var multistatus = await names.MultistatusAsync();
        Assert.Equal(5, multistatus.Elements(D + "response").Count());
        Assert.All(multistatus.Descendants(D + "prop").SelectMany(p => p.Elements()), e => Assert.True(e.IsEmpty));

        using var all = await _client.SendAsync("PROPFIND", Calendar, """<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>""", "1");
        var allprop = await all.MultistatusAsync();
        Assert.Equal("VEVENT", allprop.Descendants(C + "comp").Single().Attribute("name")!.Value);
        Assert.Contains("BEGIN:VTIMEZONE\r\n", allprop.Descendants(C + "calendar-timezone").Single().Value, StringComparison.Ordinal);
        Assert.Equal(4, allprop.Descendants(D + "getetag").Count());
        using var get = await _client.GetAsync(new Uri(Calendar + "s1-xmlconf.ics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }
}
