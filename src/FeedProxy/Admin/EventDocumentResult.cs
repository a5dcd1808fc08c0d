using System.Text.Json;
using FeedProxy.Formats.Json;

namespace FeedProxy.Admin;

/// <summary>
/// An event document as the admin API answers it: written by <see cref="EventJsonContext.Writer"/>
/// (RFC 3339 offsets unescaped, absent fields left out, as the JSON Schema expects) rather than
/// the host's general JSON options, so a body read with GET can be PUT back unchanged.
/// </summary>
internal sealed class EventDocumentResult(EventJson document, string? location = null) : IResult, IStatusCodeHttpResult
{
    public EventJson Document { get; } = document;

    public int? StatusCode => location is null ? StatusCodes.Status200OK : StatusCodes.Status201Created;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode!.Value;
        if (location is not null)
        {
            httpContext.Response.Headers.Location = location;
        }

        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(httpContext.Response.Body, Document, EventJsonContext.Writer.EventJson, httpContext.RequestAborted);
    }
}
