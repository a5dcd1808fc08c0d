using System.Net;
using FeedProxy.Testing;

namespace FeedProxy.Tests.Support;

/// <summary>Polls a feed URL the way a subscriber does, for tests of how an edit reaches a known URL.</summary>
internal static class Revalidation
{
    /// <summary>
    /// Revalidates <paramref name="path"/> with <paramref name="etag"/> until the answer is a 200
    /// (the edit arrived) and returns it; every answer before it must be a 304. Fails with
    /// <paramref name="because"/> when no 200 comes before <see cref="Eventually.Deadline"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> UntilChangedAsync(HttpClient client, string path, string etag, string because)
    {
        HttpResponseMessage? changed = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                changed = response;
                return true;
            }

            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            response.Dispose();
            return false;
        }), because);
        return changed!;
    }
}
