using System.Net;
using System.Text;

namespace FeedProxy.Production.Tests.Scenarios;

/// <summary>
/// The start of a scenario on two stateless instances: fresh PostgreSQL and Redis servers for
/// the test (some scenarios stop them), instances A and B on them, and the event "scenario"
/// put through A.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (IAsyncLifetime)
public abstract class TwoInstanceScenario : IAsyncLifetime
{
    protected ScenarioServers Servers { get; private set; } = null!;

    protected AppInstance A { get; private set; } = null!;

    protected AppInstance B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await ScenarioServers.StartAsync();
        A = Servers.Instance();
        B = Servers.Instance();
        using var put = await PutEventAsync(A, "Opening Session");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    public async Task DisposeAsync() => await Servers.DisposeAsync();

    /// <summary>Puts the event "scenario" with one session titled <paramref name="title"/> through <paramref name="instance"/>.</summary>
    protected static async Task<HttpResponseMessage> PutEventAsync(AppInstance instance, string title)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var content = new StringContent(AppInstance.EventJson(title), Encoding.UTF8, "application/json");
        return await instance.AdminClient().PutAsync(new Uri("/admin/events/scenario", UriKind.Relative), content);
    }
}
