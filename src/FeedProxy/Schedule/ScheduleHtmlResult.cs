using System.Security.Cryptography;
using FeedProxy.Http;

namespace FeedProxy.Schedule;

/// <summary>
/// Writes the grid with the security headers of every page, a strong ETag (a hash of the
/// bytes) and 304 for a matching If-None-Match (RFC 9110 §13.1.2), so the live view's
/// re-reads and browsers' revalidations cost no body. The embed alone may be framed by any
/// site: <c>frame-ancestors *</c> and no X-Frame-Options; every other page keeps refusing.
/// </summary>
internal sealed class ScheduleHtmlResult(byte[] body, bool embed) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var headers = response.Headers;
        var etag = "\"" + Convert.ToBase64String(SHA256.HashData(body).AsSpan(0, 16)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";
        Pages.PageHeaders.Apply(
            response,
            embed ? ScheduleGridAssets.EmbedContentSecurityPolicy : ScheduleGridAssets.ContentSecurityPolicy,
            embed ? "strict-origin-when-cross-origin" : "no-referrer",
            frameable: embed);

        // Short: the grid shows "now" and follows the schedule; revalidation is a cheap 304.
        headers.CacheControl = "public, max-age=30";
        headers.ETag = etag;
        if (httpContext.Request.Headers.IfNoneMatch.Count > 0 && ConditionalRequest.MatchesAny(httpContext.Request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
