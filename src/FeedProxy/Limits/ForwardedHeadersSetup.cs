using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FeedProxy.Limits;

/// <summary>
/// Which reverse proxies are trusted to name the client (section "FeedProxy:ForwardedHeaders").
/// Empty (the default): no forwarded header is ever read and the socket address is the
/// client, because anyone can send X-Forwarded-For.
/// </summary>
public sealed class ProxyOptions
{
    public const string Section = "FeedProxy:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies ("10.0.0.5").</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation ("10.0.0.0/8"; "0.0.0.0/0" and "::/0" trust every peer).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>
    /// Header holding the client address: "X-Forwarded-For" (default) or one a proxy sets and
    /// overwrites itself ("Fly-Client-IP" on Fly.io, which a client cannot forge).
    /// </summary>
    public string ClientIpHeader { get; set; } = "X-Forwarded-For";

    /// <summary>Proxies between the client and this server whose entries are consumed (X-Forwarded-For lists).</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>Builds ASP.NET Core's forwarded-headers options from <see cref="ProxyOptions"/>.</summary>
internal static class ForwardedHeadersSetup
{
    /// <summary>Null when no proxy is configured: then forwarded headers are ignored.</summary>
    public static ForwardedHeadersOptions? Build(ProxyOptions proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (proxy.KnownProxies.Length == 0 && proxy.KnownNetworks.Length == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            // Only the client address: scheme and host come from PublicBaseUrl, never a header.
            ForwardedHeaders = ForwardedHeaders.XForwardedFor,
            ForwardedForHeaderName = string.IsNullOrWhiteSpace(proxy.ClientIpHeader) ? "X-Forwarded-For" : proxy.ClientIpHeader.Trim(),
            ForwardLimit = Math.Max(1, proxy.ForwardLimit),
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var address in proxy.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(address.Trim()));
        }

        foreach (var network in proxy.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
        }

        return options;
    }
}
