using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace FeedProxy.FastPath;

/// <summary>
/// Kestrel settings of the hot path. Compiled into the server and into the benchmark ceiling
/// (benchmarks/FeedProxy.Ceiling links this file), so the two are always tuned alike.
/// </summary>
internal static class KestrelSettings
{
    public static void Apply(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The socket transport continues a connection's work (reading the request, running
        // the pipeline, flushing the response) on the thread that completed its socket
        // operation instead of queueing it to the thread pool once more. On Linux the runtime
        // runs socket completions on thread-pool workers, not on its epoll thread, as long as
        // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is unset (deliberately: that switch would
        // put application code on the epoll thread), so handlers still run on the same kind of
        // thread as before and a slow one costs what it did; only the extra queue hops per
        // read and per flush go. Measured on the ceiling and on FeedProxy (docs/benchmarks.md,
        // "Kestrel settings"). Nothing on the request path waits synchronously on I/O for
        // long: renders and compression already move off the request's thread
        // (Rendering/RenderPipeline), store and cache I/O is asynchronous.
        services.Configure<SocketTransportOptions>(o =>
        {
            o.UnsafePreferInlineScheduling = true;

            // A kept-alive connection waits for its next request with a zero-byte receive and
            // then receives the request: two recvfrom calls per request, where one does (the
            // receive into a buffer is simply posted at once). The price is one memory-pool
            // block (4 KB) held per idle connection instead of none.
            o.WaitForDataBeforeAllocatingBuffer = false;
        });

        // RFC 9110 section 10.2.4: Server is optional and says nothing a client needs; leaving
        // it out takes 16 bytes and a header write off every response.
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
    }
}
