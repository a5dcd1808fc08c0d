using System.Collections.Immutable;
using FeedProxy.Admin;
using FeedProxy.Collections;
using FeedProxy.Formats.Model;
using FeedProxy.Private;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Production.Tests.Storage;
using NodaTime;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>What every collection store does: writes are read at once, through any instance, with a new version.</summary>
public abstract class CollectionStoreContractTests : StoreContract
{
    private static CancellationToken None => CancellationToken.None;

    private ICollectionStore Collections => Get<ICollectionStore>();

    private static CollectionDefinition Definition(string id, string name, EventVisibility visibility = EventVisibility.Public) => new()
    {
        Id = id,
        Name = name,
        Visibility = visibility,
        Members = [new CollectionMember("conf", ImmutableSortedDictionary<string, ImmutableSortedSet<string>>.Empty)],
        LastModified = Instant.FromUtc(2026, 1, 15, 12, 0),
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Get<IEventAdminStore>().SaveAsync(SampleEvents.Create("conf"), None);
    }

    [Fact]
    public async Task PutGetListDelete_AreReadAtOnce()
    {
        Assert.True(await Collections.PutAsync(Definition("b", "Second"), None));
        Assert.True(await Collections.PutAsync(Definition("a", "First"), None));
        var before = await Collections.GetAsync("a", None);

        Assert.False(await Collections.PutAsync(Definition("a", "First, renamed"), None));
        var after = await Collections.GetAsync("a", None);

        Assert.Equal("First", before!.Definition.Name);
        Assert.Equal("First, renamed", after!.Definition.Name);
        Assert.Equal(["conf"], after.Definition.Members.Select(m => m.EventId));
        Assert.NotEqual(before.Version, after.Version);
        Assert.Equal(["a", "b"], (await Collections.ListAsync(None)).Select(c => c.Definition.Id));

        Assert.True(await Collections.DeleteAsync("a", None));
        Assert.False(await Collections.DeleteAsync("a", None));
        Assert.Null(await Collections.GetAsync("a", None));
        Assert.Equal(["b"], (await Collections.ListAsync(None)).Select(c => c.Definition.Id));
    }

    [Fact]
    public async Task APrivateCollectionsToken_IsStoredOnlyAsItsHash_AndRotationReplacesIt()
    {
        await Collections.PutAsync(Definition("inner", "Inner circle", EventVisibility.Private), None);

        var first = await Collections.RotateTokenAsync("inner", None);
        var second = await Collections.RotateTokenAsync("inner", None);

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        Assert.Equal(AccessTokens.Hash(second!), await Collections.GetTokenAsync("inner", None));
    }

    [Fact]
    public async Task AnUnknownCollection_HasNothing_AndGetsNoToken()
    {
        Assert.Null(await Collections.GetAsync("nothing", None));
        Assert.Null(await Collections.GetTokenAsync("nothing", None));
        Assert.Null(await Collections.RotateTokenAsync("nothing", None));
        Assert.Empty(await Collections.ListAsync(None));
    }
}

public sealed class FileCollectionStoreContractTests : CollectionStoreContractTests
{
    protected override Task<string?> PostgresAsync() => Task.FromResult<string?>(null);
}

[Collection(UsesServers.Name)]
public sealed class PostgresCollectionStoreContractTests(ServersFixture servers) : CollectionStoreContractTests
{
    protected override async Task<string?> PostgresAsync() => await servers.Postgres.CreateDatabaseAsync();
}
