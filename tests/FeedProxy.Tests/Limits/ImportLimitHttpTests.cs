using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedProxy.Tests.Support;

namespace FeedProxy.Tests.Limits;

/// <summary>Bodies over the configured limit answer 413 ProblemDetails on real Kestrel (Kestrel's own limit surfaced as 500).</summary>
public sealed class ImportLimitHttpTests : IDisposable
{
    private const string Token = "limits-admin-token";
    private readonly FeedProxyFactory _factory = new();
    private Uri _address = null!;

    public ImportLimitHttpTests()
    {
        _factory.Settings["FeedProxy:AdminToken"] = Token;
        _factory.Settings["FeedProxy:Limits:MaxRequestBodyMegabytes"] = "1";
        _address = _factory.StartKestrel();
    }

    public void Dispose() => _factory.Dispose();

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = _address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private sealed class UnknownLengthContent(byte[] bytes, string mediaType) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false; // chunked: only Kestrel's limit can stop it
        }

        public UnknownLengthContent Typed()
        {
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return this;
        }
    }

    private static byte[] Big() => Encoding.UTF8.GetBytes("<schedule>" + new string(' ', 2 * 1024 * 1024) + "</schedule>");

    [Fact]
    public async Task ImportOverTheLimit_WithContentLength_Is413Problem()
    {
        using var content = new ByteArrayContent(Big());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var response = await Client().PostAsync(new Uri("/admin/events/big/import", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ImportOverTheLimit_Chunked_Is413Problem()
    {
        using var content = new UnknownLengthContent(Big(), "application/xml").Typed();
        using var response = await Client().PostAsync(new Uri("/admin/events/big/import", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task EventDocumentOverTheLimit_Chunked_Is413Problem()
    {
        var json = Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        using var content = new UnknownLengthContent(json, "application/json").Typed();
        using var response = await Client().PutAsync(new Uri("/admin/events/big", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
