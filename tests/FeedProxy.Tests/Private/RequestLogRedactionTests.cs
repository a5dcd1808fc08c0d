using FeedProxy.Private;

namespace FeedProxy.Tests.Private;

public sealed class RequestLogRedactionTests
{
    [Theory]
    [InlineData("/private/abcDEF123_-xyz/events/conf.ics", "/private/***/events/conf.ics")]
    [InlineData("/PRIVATE/abc/events/conf", "/private/***/events/conf")]
    [InlineData("/private/abc", "/private/***")]
    [InlineData("/private/", "/private/***")]
    [InlineData("/events/conf.ics", "/events/conf.ics")]
    [InlineData("/events/private/x", "/events/private/x")]
    [InlineData(null, "/")]
    public void Redact_HidesTheTokenSegmentOnly(string? path, string expected) =>
        Assert.Equal(expected, RequestLogRedaction.Redact(path));

    [Fact]
    public void Tokens_Are256RandomBitsInBase64Url()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => AccessTokens.NewToken()).ToList();

        Assert.All(tokens, t => Assert.True(AccessTokens.LooksValid(t)));
        Assert.Equal(100, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.False(AccessTokens.LooksValid(tokens[0][..^1]));
        Assert.False(AccessTokens.LooksValid(tokens[0][..^1] + "+"));
        Assert.True(AccessTokens.Matches(tokens[0], tokens[0]));
        Assert.False(AccessTokens.Matches(tokens[0], tokens[1]));
        Assert.False(AccessTokens.Matches(tokens[0], null));
    }
}
