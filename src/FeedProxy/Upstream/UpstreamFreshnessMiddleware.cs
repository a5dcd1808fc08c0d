namespace FeedProxy.Upstream;

/// <summary>
/// Tells the refresher which events are read (<see cref="SourceRefresher.NoteRequest"/>), so an
/// overdue source is refreshed now rather than at the next poll. The request itself is served
/// from the current version meanwhile.
/// </summary>
internal sealed class UpstreamFreshnessMiddleware(RequestDelegate next)
{
    private const string Prefix = "/events/";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is not null && path.StartsWith(Prefix, StringComparison.Ordinal) && path.Length > Prefix.Length)
        {
            var rest = path.AsSpan(Prefix.Length);
            var end = rest.IndexOfAny('.', '/');
            var id = (end < 0 ? rest : rest[..end]).ToString();
            context.RequestServices.GetService<SourceRefresher>()?.NoteRequest(id);
        }

        return next(context);
    }
}
