using FeedProxy.Admin;
using FeedProxy.Formats.Model;
using FeedProxy.Private;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Production.Tests.Storage;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>What every <see cref="IAccessTokenStore"/> does: only a hash is kept, and a rotation replaces it at once.</summary>
public abstract class AccessTokenStoreContractTests : StoreContract
{
    private static CancellationToken None => CancellationToken.None;

    private IAccessTokenStore Tokens => Get<IAccessTokenStore>();

    private Task SavePrivateEventAsync() =>
        Get<IEventAdminStore>().SaveAsync(SampleEvents.Create("hidden") with { Visibility = EventVisibility.Private }, None);

    [Fact]
    public async Task ARotatedToken_IsStoredOnlyAsItsHash()
    {
        await SavePrivateEventAsync();

        var token = await Tokens.RotateAsync("hidden", None);
        var stored = await Tokens.GetAsync("hidden", None);

        Assert.Equal(AccessTokens.Hash(token), stored);
        Assert.DoesNotContain(token, stored!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatingAgain_ReplacesTheToken()
    {
        await SavePrivateEventAsync();

        var first = await Tokens.RotateAsync("hidden", None);
        var second = await Tokens.RotateAsync("hidden", None);

        Assert.NotEqual(first, second);
        Assert.Equal(AccessTokens.Hash(second), await Tokens.GetAsync("hidden", None));
    }

    [Fact]
    public async Task AnEventNeverGivenAToken_HasNone()
    {
        await Get<IEventAdminStore>().SaveAsync(SampleEvents.Create("open"), None);

        Assert.Null(await Tokens.GetAsync("open", None));
        Assert.Null(await Tokens.GetAsync("nothing", None));
    }
}

public sealed class FileAccessTokenStoreContractTests : AccessTokenStoreContractTests
{
    protected override Task<string?> PostgresAsync() => Task.FromResult<string?>(null);
}

[Collection(UsesServers.Name)]
public sealed class PostgresAccessTokenStoreContractTests(ServersFixture servers) : AccessTokenStoreContractTests
{
    protected override async Task<string?> PostgresAsync() => await servers.Postgres.CreateDatabaseAsync();
}
