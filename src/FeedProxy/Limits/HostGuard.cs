using System.Globalization;
using Microsoft.Extensions.Options;

namespace FeedProxy.Limits;

/// <summary>
/// Without <see cref="FeedProxyOptions.PublicBaseUrl"/> self links are built from the Host
/// header, so every distinct Host is a distinct representation (its own render and cache
/// entry). This middleware answers a malformed or missing Host with 400 (RFC 9112 section 3.2
/// requires one valid Host) and accepts at most <see cref="RequestLimitOptions.MaxHosts"/>
/// distinct hosts per process; later unknown hosts get 421 Misdirected Request (RFC 9110
/// section 15.5.20). With PublicBaseUrl set the Host header is ignored and nothing is checked.
/// Health and metrics routes never look at the host and are exempt. Thread-safe.
/// </summary>
internal sealed class HostGuard(RequestDelegate next, IOptions<FeedProxyOptions> options, IOptions<RequestLimitOptions> limits)
{
    private static readonly PathString[] Exempt = ["/healthz", "/readyz", "/metrics"];
    private readonly bool _enabled = options.Value.PublicBaseUrl is null;
    private readonly int _maxHosts = Math.Max(1, limits.Value.MaxHosts);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // The last Host value let through, exactly as sent: polls repeat it, and hosts are never
    // forgotten, so it passes again without validation, lower-casing or the lock.
    private volatile string? _lastAccepted;

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_enabled || IsExempt(context.Request.Path))
        {
            return next(context);
        }

        var host = context.Request.Host;
        if (host.Value is { } raw && string.Equals(raw, _lastAccepted, StringComparison.Ordinal))
        {
            return next(context);
        }

        if (!IsWellFormed(host))
        {
            return Http.Problems.BadRequest("The Host header is missing or malformed (RFC 9112 section 3.2).").ExecuteAsync(context);
        }

        var name = host.Value!.ToLowerInvariant();
        lock (_gate)
        {
            if (!_known.Contains(name))
            {
                if (_known.Count >= _maxHosts)
                {
                    return TypedResults.Problem(
                        "This server does not answer for that host. Its operator sets FeedProxy__PublicBaseUrl or raises FeedProxy__Limits__MaxHosts.",
                        statusCode: StatusCodes.Status421MisdirectedRequest, title: "Misdirected Request").ExecuteAsync(context);
                }

                _known.Add(name);
            }
        }

        _lastAccepted = host.Value;
        return next(context);
    }

    private static bool IsExempt(PathString path)
    {
        foreach (var exempt in Exempt)
        {
            if (path.StartsWithSegments(exempt))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A DNS name or IP literal of at most 253 characters with an optional port 1-65535.</summary>
    internal static bool IsWellFormed(HostString host)
    {
        if (!host.HasValue || host.Value.Length > 260)
        {
            return false;
        }

        var name = host.Host;
        if (name.Length is 0 or > 253 || Uri.CheckHostName(name.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            return false;
        }

        var colon = host.Value.LastIndexOf(':');
        var bracket = host.Value.LastIndexOf(']');
        if (colon > bracket && colon >= 0)
        {
            var port = host.Value[(colon + 1)..];
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                return false;
            }
        }

        return Uri.TryCreate($"http://{host.Value}/", UriKind.Absolute, out _);
    }
}
