using System.Net;
using System.Net.Http.Headers;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Feeds;

/// <summary>
/// /events/{id} and /collections/{id} answer on Accept: the format URL's exact response
/// (bytes, ETag, 304s) with Vary: Accept and Content-Location naming that URL; browsers get
/// the page; types not offered get 406.
/// </summary>
public sealed class NegotiationTests : IClassFixture<FeedProxyFactory>
{
    private readonly HttpClient _client;

    public NegotiationTests(FeedProxyFactory factory)
    {
        factory.WriteCollection("talks", """{ "name": "Talks", "members": [ { "event": "testconf", "prefix": "[Test] ", "color": "teal" } ] }""");
        _client = factory.CreatePlainClient();
    }

    [Theory]
    [InlineData("text/calendar", "ics", "text/calendar")]
    [InlineData("application/calendar+json", "json", "application/calendar+json")]
    [InlineData("application/calendar+xml", "xcs", "application/calendar+xml")]
    [InlineData("application/rss+xml", "rss", "application/rss+xml")]
    [InlineData("application/atom+xml", "atom", "application/atom+xml")]
    [InlineData("application/calendar+json, text/calendar;q=0.5", "json", "application/calendar+json")]
    [InlineData("text/*;q=0.9, application/calendar+xml;q=0.8", "ics", "text/calendar")]
    [InlineData("*/*", "ics", "text/calendar")]
    public async Task Accept_PicksTheFormat_WithTheFormatUrlsBytesAndETag(string accept, string extension, string contentType)
    {
        foreach (var (path, query) in new[] { ("/events/testconf", ""), ("/events/testconf", "?alarm=-PT10M&track=security"), ("/collections/talks", "") })
        {
            if (extension is "rss" or "atom" && query.Contains("alarm", StringComparison.Ordinal))
            {
                continue;
            }

            using var negotiated = await Send(path + query, accept);
            using var direct = await _client.GetAsync($"{path}.{extension}{query}");

            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
            Assert.Equal(contentType, negotiated.Content.Headers.ContentType!.MediaType);
            Assert.Equal(direct.Headers.ETag, negotiated.Headers.ETag);
            Assert.Equal(await direct.Content.ReadAsStringAsync(), await negotiated.Content.ReadAsStringAsync());
            Assert.Contains("Accept", negotiated.Headers.Vary);
            Assert.Contains("Accept-Encoding", negotiated.Headers.Vary);
            Assert.Equal(new Uri($"http://localhost{path}.{extension}{query}"), negotiated.Content.Headers.ContentLocation);

            using var conditional = new HttpRequestMessage(HttpMethod.Get, path + query);
            conditional.Headers.TryAddWithoutValidation("Accept", accept);
            conditional.Headers.IfNoneMatch.Add(direct.Headers.ETag!);
            using var notModified = await _client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Contains("Accept", notModified.Headers.Vary);
        }
    }

    [Theory]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]
    [InlineData("text/html, text/calendar")]
    [InlineData("text/html;q=0.9, text/calendar;q=0.9")]
    public async Task Browser_GetsThePage(string accept)
    {
        foreach (var path in new[] { "/events/testconf", "/collections/talks" })
        {
            using var response = await Send(path, accept);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("Accept", response.Headers.Vary);
        }
    }

    [Theory]
    [InlineData("application/pdf")]
    [InlineData("text/calendar;q=0, text/html;q=0")]
    [InlineData("image/*")]
    public async Task TypesNotOffered_Are406ProblemDetails(string accept)
    {
        using var response = await Send("/events/testconf", accept);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("text/calendar", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownEvent_Is404WhateverTheAccept()
    {
        using var response = await Send("/events/nosuchevent", "text/calendar");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task NegotiatedAnswer_IsNotRememberedForOtherAccepts()
    {
        using var first = await Send("/events/testconf", "application/calendar+json");
        using var second = await Send("/events/testconf", "text/calendar");
        using var third = await Send("/events/testconf", "application/calendar+json");

        Assert.Equal("application/calendar+json", first.Content.Headers.ContentType!.MediaType);
        Assert.Equal("text/calendar", second.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/calendar+json", third.Content.Headers.ContentType!.MediaType);
    }

    private async Task<HttpResponseMessage> Send(string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await _client.SendAsync(request);
    }
}
