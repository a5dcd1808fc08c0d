using System.Globalization;
using FeedProxy.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using NodaTime;

namespace FeedProxy.Tests.Http;

public sealed class HttpDateTests
{
    [Fact]
    public void ImfFixdate_AgreesWithTheGeneralParser_OnThousandsOfDates()
    {
        var random = new Random(9110);
        for (var i = 0; i < 5000; i++)
        {
            var instant = DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(-62135596800, 253402300799));
            var text = instant.ToString("R", CultureInfo.InvariantCulture);

            Assert.True(HttpDate.TryParseImfFixdate(text, out var seconds), text);
            Assert.True(HeaderUtilities.TryParseDate(text, out var reference), text);
            Assert.Equal(reference.ToUnixTimeSeconds(), seconds);
        }
    }

    [Theory]
    [InlineData("Thu, 15 Jan 2026 12:00:00 GMT", 1768478400)]
    [InlineData("Thu, 01 Jan 1970 00:00:00 GMT", 0)]
    [InlineData("Sat, 29 Feb 2020 23:59:59 GMT", 1583020799)]
    public void ImfFixdate_IsRead(string text, long expected)
    {
        Assert.True(HttpDate.TryParseImfFixdate(text, out var seconds));
        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("Mon, 15 Jan 2026 12:00:00 GMT")]   // wrong day name
    [InlineData("Thu, 30 Feb 2026 12:00:00 GMT")]   // no such day
    [InlineData("Thu, 15 Jan 2026 24:00:00 GMT")]
    [InlineData("Thu, 15 Jan 2026 12:60:00 GMT")]
    [InlineData("Thu, 15 Jan 2026 12:00:60 GMT")]
    [InlineData("Thu, 15 jan 2026 12:00:00 GMT")]
    [InlineData("Thu, 15 Jan 2026 12:00:00 gmt")]
    [InlineData("Thu, 15 Jan 2026 12:00:00 UTC")]
    [InlineData("Thu, 15 Jan 0000 12:00:00 GMT")]
    [InlineData("Thu,  15 Jan 2026 12:00:00 GMT")]
    [InlineData(" Thu, 15 Jan 2026 12:00:00 GMT")]
    [InlineData("Thursday, 15-Jan-26 12:00:00 GMT")] // RFC 850: the general parser's job
    [InlineData("Thu Jan 15 12:00:00 2026")]         // asctime: the general parser's job
    [InlineData("Thu, 1a Jan 2026 12:00:00 GMT")]
    [InlineData("")]
    public void AnythingButAWellFormedImfFixdate_IsLeftToTheGeneralParser(string text) =>
        Assert.False(HttpDate.TryParseImfFixdate(text, out _));

    [Theory]
    [InlineData("Thu, 15 Jan 2026 12:00:00 GMT")]
    [InlineData("Thu, 15 Jan 2026 11:59:59 GMT")]
    [InlineData("Thu, 15 Jan 2026 12:00:01 GMT")]
    [InlineData("Thursday, 15-Jan-26 12:00:00 GMT")]
    [InlineData("Thursday, 15-Jan-26 11:59:59 GMT")]
    [InlineData("Thu Jan 15 12:00:00 2026")]
    [InlineData("Thu Jan 15 11:59:59 2026")]
    [InlineData("Mon, 15 Jan 2026 12:00:00 GMT")]
    [InlineData("  Thu, 15 Jan 2026 12:00:00 GMT  ")]
    [InlineData("Thu, 30 Feb 2026 12:00:00 GMT")]
    [InlineData("Thu, 15 Jan 2026 12:00:00 gmt")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void IfModifiedSince_IsDecidedExactlyAsWithTheGeneralParser(string value)
    {
        var lastModified = Instant.FromUtc(2026, 1, 15, 12, 0, 0);
        var request = Request(("If-Modified-Since", value));

        var expected = HeaderUtilities.TryParseDate(value, out var since) && lastModified.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();

        Assert.Equal(expected, ConditionalRequest.IsNotModified(request, "\"e\"", lastModified));
        Assert.Equal(expected, ConditionalRequest.IsNotModified(request, "\"e\"", lastModified, "Thu, 15 Jan 2026 12:00:00 GMT"));
    }

    [Fact]
    public void IfModifiedSince_EchoingTheSentLastModified_Is304()
    {
        var request = Request(("If-Modified-Since", "Thu, 15 Jan 2026 12:00:00 GMT"));

        Assert.True(ConditionalRequest.IsNotModified(request, "\"e\"", Instant.FromUtc(2026, 1, 15, 12, 0, 0), "Thu, 15 Jan 2026 12:00:00 GMT"));
    }

    [Fact]
    public void IfModifiedSince_IsIgnoredWhenIfNoneMatchIsPresent()
    {
        // RFC 9110 §13.1.3: the echoed date would match, the entity tag does not.
        var request = Request(("If-None-Match", "\"other\""), ("If-Modified-Since", "Thu, 15 Jan 2026 12:00:00 GMT"));

        Assert.False(ConditionalRequest.IsNotModified(request, "\"e\"", Instant.FromUtc(2026, 1, 15, 12, 0, 0), "Thu, 15 Jan 2026 12:00:00 GMT"));
    }

    [Fact]
    public void SeveralIfModifiedSinceFields_AreIgnored()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.IfModifiedSince = new Microsoft.Extensions.Primitives.StringValues(["Thu, 15 Jan 2026 12:00:00 GMT", "Thu, 15 Jan 2026 12:00:00 GMT"]);

        Assert.False(ConditionalRequest.IsNotModified(context.Request, "\"e\"", Instant.FromUtc(2026, 1, 15, 12, 0, 0), "Thu, 15 Jan 2026 12:00:00 GMT"));
    }

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }
}
