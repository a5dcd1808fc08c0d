using Alba;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>
/// One application per test, on the embedded file store or on a fresh PostgreSQL database
/// (a real server, see Infrastructure), with the stores resolved as the host wires them. Each
/// contract suite derives from this once per implementation, as the cache store suites do, so
/// both implementations are held to the same behaviour.
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    private string? _root;
    private IAlbaHost? _host;

    /// <summary>A connection string for PostgreSQL, or null for the file store.</summary>
    protected abstract Task<string?> PostgresAsync();

    protected T Get<T>() where T : notnull => _host!.Services.GetRequiredService<T>();

    public virtual async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("feedproxy-contract-").FullName;
        var postgres = await PostgresAsync();
        _host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureLogging(logging => logging.RouteToTestLog());
            builder.UseSetting("FeedProxy:EventsPath", Path.Combine(_root, "events"));
            builder.UseSetting("FeedProxy:CollectionsPath", Path.Combine(_root, "collections"));
            builder.UseSetting("FeedProxy:StatePath", Path.Combine(_root, "state"));
            builder.UseSetting("FeedProxy:RateLimit:PermitsPerMinute", "0");
            if (postgres is not null)
            {
                builder.UseSetting("ConnectionStrings:Postgres", postgres);
            }
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
