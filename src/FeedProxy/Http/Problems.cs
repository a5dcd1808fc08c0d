using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedProxy.Http;

/// <summary>
/// RFC 9457 problem responses used across endpoints. The plain ones are typed
/// (<see cref="ProblemHttpResult"/>) so handlers can declare them in <c>Results&lt;…&gt;</c>.
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not Found");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad Request");

    public static IResult NotAcceptable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status406NotAcceptable, title: "Not Acceptable");

    public static IResult Unavailable(string detail) =>
        new RetryAfterResult(TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable"), 5);

    /// <summary>429 with Retry-After (RFC 6585 section 4) in whole seconds, at least one.</summary>
    public static IResult TooManyRequests(TimeSpan wait) =>
        new RetryAfterResult(
            TypedResults.Problem("Too many requests from this address; retry later.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests"),
            Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));

    /// <summary>413 for a request body over the configured limit.</summary>
    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Content Too Large");

    private sealed class RetryAfterResult(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
