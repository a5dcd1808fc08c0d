using FeedProxy.Formats.Import;
using FeedProxy.Formats.Upstream;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FeedProxy.Upstream;

/// <summary>The status text of a failed refresh.</summary>
internal static class SourceFailureText
{
    /// <summary>A cause an operator can act on; never a header value (headers are secrets) and never a URL query.</summary>
    public static string Describe(Exception ex, SourceDefinition definition, UpstreamOptions options)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case UpstreamAddressRefusedException refused: return refused.Message;
                case UpstreamException upstream: return upstream.Message;
                case ImportException import: return $"Not readable as a '{definition.Kind.ToWireName()}' source: {import.Message}";
                case BrokenCircuitException: return $"Requests to {definition.Url.Host} are paused after repeated failures (circuit open).";
                case TimeoutRejectedException or OperationCanceledException: return $"Timed out (attempt cap {options.AttemptTimeoutSeconds} s, refresh cap {options.TimeoutSeconds} s).";
            }
        }

        return ex is HttpRequestException http
            ? $"Could not reach {definition.Url.Host}: {http.Message}"
            : $"{ex.GetType().Name}: {ex.Message}";
    }
}
