using System.Net;
using System.Net.Sockets;

namespace FeedProxy.Upstream;

/// <summary>The connection was refused because the address is not a public unicast one (SSRF protection).</summary>
public sealed class UpstreamAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Which addresses an upstream fetch may connect to. Checked on the address actually connected
/// to (<see cref="SocketsHttpHandler.ConnectCallback"/>), after DNS resolution, so a name that
/// resolves (or re-resolves: DNS rebinding) to an internal address is refused on every request
/// and every redirect hop. Refused unless <see cref="UpstreamOptions.AllowPrivateNetworks"/>:
/// loopback, unspecified, RFC 1918 private, carrier-grade NAT (RFC 6598), link-local (RFC 3927,
/// including the 169.254.169.254 metadata service), multicast, reserved and broadcast, IPv6
/// unique-local (RFC 4193), link- and site-local, and IPv4 addresses embedded in IPv6
/// (IPv4-mapped, 6to4, NAT64), which are judged by the IPv4 address inside.
/// </summary>
internal static class AddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return IsPublic(address.MapToIPv4());
            }

            var b = address.GetAddressBytes();
            if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC)
            {
                return false;
            }

            // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address.
            if (b.Take(12).All(x => x == 0))
            {
                return IsPublic(new IPAddress(b[12..16]));
            }

            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
            {
                return IsPublic(new IPAddress(b[12..16]));
            }

            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsPublic(new IPAddress(b[2..6]));
            }

            return true;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        var v4 = address.GetAddressBytes();
        return !(v4[0] == 0 // this network
            || v4[0] == 10
            || v4[0] == 127
            || (v4[0] == 100 && (v4[1] & 0xC0) == 64) // 100.64.0.0/10
            || (v4[0] == 169 && v4[1] == 254) // link-local, cloud metadata
            || (v4[0] == 172 && (v4[1] & 0xF0) == 16)
            || (v4[0] == 192 && v4[1] == 168)
            || (v4[0] == 192 && v4[1] == 0 && v4[2] == 0) // IETF protocol assignments
            || (v4[0] == 198 && (v4[1] & 0xFE) == 18) // benchmarking
            || v4[0] >= 224); // multicast, reserved, broadcast
    }

    /// <summary>A connect callback that resolves the host and connects only to allowed addresses.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(UpstreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var allowPrivate = options.AllowPrivateNetworks;
        var networks = options.AllowedNetworks
            .Select(n => IPNetwork.TryParse(n.Trim(), out var network) ? network : throw new InvalidOperationException($"FeedProxy:Upstream:AllowedNetworks: '{n}' is not CIDR (e.g. 10.1.2.0/24)."))
            .ToArray();
        return async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            var allowed = allowPrivate ? addresses : addresses.Where(a => IsPublic(a) || networks.Any(n => n.Contains(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a))).ToArray();
            if (allowed.Length == 0)
            {
                throw new UpstreamAddressRefusedException(
                    $"'{host}' resolves only to addresses that are not public (loopback, private, link-local or similar); set FeedProxy__Upstream__AllowPrivateNetworks=true for sources on your own network.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
    }
}
