namespace FeedProxy.Http;

/// <summary>
/// Link header values (RFC 8288). Features that link a feed (the CalDAV twin, the WebSub hub
/// and topic) join their values into the one header the feed response carries.
/// </summary>
internal static class LinkHeader
{
    /// <summary><c>&lt;target&gt;; rel="relation"</c>, one link-value.</summary>
    public static string Value(Uri target, string relation)
    {
        ArgumentNullException.ThrowIfNull(target);
        return "<" + target.AbsoluteUri + ">; rel=\"" + relation + "\"";
    }
}
