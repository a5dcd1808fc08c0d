namespace FeedProxy.Negotiation;

/// <summary>
/// A feed answered at the calendar's extensionless URL: exactly the format URL's response
/// (same bytes, same ETag, same 304s), plus <c>Vary: Accept</c> (the answer depends on it)
/// and <c>Content-Location</c> naming the format URL (RFC 9110 §8.7), so caches and clients
/// know which representation they hold.
/// </summary>
internal sealed class NegotiatedResult(IResult inner, Uri formatUrl) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.OnStarting(() =>
        {
            response.Headers.Vary = response.Headers.Vary.Count == 0 ? "Accept" : "Accept, " + response.Headers.Vary;
            if (response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified)
            {
                response.Headers.ContentLocation = formatUrl.AbsoluteUri;
            }

            return Task.CompletedTask;
        });
        return inner.ExecuteAsync(httpContext);
    }
}
