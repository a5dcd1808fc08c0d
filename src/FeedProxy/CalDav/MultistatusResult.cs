namespace FeedProxy.CalDav;

/// <summary>
/// A 207 Multi-Status answer written as it is produced (<see cref="MultistatusWriter"/>): the
/// members are known before the first byte (every index and manifest is loaded first), so
/// nothing can fail half-way but the connection. The length is not known in advance, so the
/// body goes out chunked; the pipe is flushed every <see cref="FlushBytes"/> so a large answer
/// never sits in memory whole and a slow reader holds back the writer (backpressure).
/// </summary>
internal sealed class MultistatusResult(IReadOnlyList<DavMember> members, bool isPrivate, string? syncToken = null) : IResult
{
    private const int FlushBytes = 64 * 1024;

    public IReadOnlyList<DavMember> Members => members;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status207MultiStatus;
        response.ContentType = "application/xml; charset=utf-8";
        // Answers depend on the request body, which no HTTP cache keys on.
        response.Headers.CacheControl = isPrivate ? "private, no-cache" : "no-cache";
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        var pipe = response.BodyWriter;
        var writer = new MultistatusWriter(pipe);
        writer.WriteStart();
        foreach (var member in members)
        {
            writer.Write(member);
            if (writer.Pending >= FlushBytes)
            {
                writer.CommitForFlush();
                var flushed = await pipe.FlushAsync(httpContext.RequestAborted);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }

        writer.WriteEnd(syncToken);
        await pipe.FlushAsync(httpContext.RequestAborted);
    }
}
