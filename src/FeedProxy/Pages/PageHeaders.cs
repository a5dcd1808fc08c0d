namespace FeedProxy.Pages;

/// <summary>
/// The security headers every HTML page carries: its Content-Security-Policy, nosniff, and a
/// refusal to be framed (X-Frame-Options) unless the page is made to be embedded.
/// </summary>
internal static class PageHeaders
{
    /// <param name="referrerPolicy">
    /// no-referrer for pages whose URL may be a credential (a private page's) or whose links
    /// leave for calendar sites; an embed may name its origin to the sessions it links.
    /// </param>
    public static void Apply(HttpResponse response, string contentSecurityPolicy, string referrerPolicy, bool frameable)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = referrerPolicy;
        if (!frameable)
        {
            headers.XFrameOptions = "DENY";
        }
    }
}
