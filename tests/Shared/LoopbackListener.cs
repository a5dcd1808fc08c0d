using System.Net;
using System.Net.Sockets;

namespace FeedProxy.Testing;

/// <summary>
/// An HttpListener on a free loopback port, for the real web servers tests start (an upstream
/// publisher, a webhook receiver). The port is found by binding port 0 and released before the
/// listener takes it, so another process may take it in between: a few attempts cover that.
/// </summary>
internal static class LoopbackListener
{
    /// <summary>A started listener on http://127.0.0.1:{port}/ (and http://localhost:{port}/, a second origin, when asked).</summary>
    public static (HttpListener Listener, Uri BaseUrl) Start(bool alsoLocalhost = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            if (alsoLocalhost)
            {
                listener.Prefixes.Add($"http://localhost:{port}/");
            }

            try
            {
                listener.Start();
                return (listener, new Uri($"http://127.0.0.1:{port}/"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>A loopback port nothing listened on a moment ago.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
