using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Testing;

/// <summary>
/// The application on real Kestrel (an ephemeral loopback port), which AlbaHost (the in-memory
/// TestServer) does not run, for clients that need a real server (python-caldav, vdirsyncer,
/// raw requests): each one started with a test host's configuration, all stopped together.
/// </summary>
internal sealed class KestrelHosts : IDisposable
{
    private readonly List<KestrelHost> _hosts = [];

    /// <summary>The services of every host started so far.</summary>
    public IEnumerable<IServiceProvider> Services => _hosts.Select(h => h.Services);

    /// <summary>Starts the application configured by <paramref name="configure"/> and returns its address.</summary>
    public Uri Start(Action<IWebHostBuilder> configure)
    {
        var kestrel = new KestrelHost(configure);
        _hosts.Add(kestrel);
        // The port is chosen by a listen option, not UseKestrel(port): that one rewrites the
        // server's address list after the host is built, racing the application's own start
        // (WebApplication), and lost now and then on a loaded machine ("Addresses cannot be
        // modified after the server has started", dotnet/aspnetcore PR 67714).
        kestrel.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        kestrel.StartServer();
        var addresses = kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    public void Dispose()
    {
        foreach (var kestrel in _hosts)
        {
            kestrel.Dispose();
        }
    }

    private sealed class KestrelHost(Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => configure(builder);
    }
}
