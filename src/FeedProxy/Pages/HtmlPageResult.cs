namespace FeedProxy.Pages;

/// <summary>
/// Writes a rendered page with the security headers every page carries. The page is a
/// different representation of /events/{id} than the 404 a calendar client gets there, hence
/// Vary: Accept.
/// </summary>
internal sealed class HtmlPageResult(byte[] body, bool isPrivate) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var headers = response.Headers;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = body.Length;
        // no-referrer: links leave the page for Outlook.com and Google, and a private page's
        // URL is its credential.
        PageHeaders.Apply(response, PageAssets.ContentSecurityPolicy, "no-referrer", frameable: false);
        headers.CacheControl = isPrivate ? "private, no-store" : "public, max-age=60";
        headers.Vary = "Accept";
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
