using FeedProxy.Collections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedProxy.Tests.Collections;

/// <summary>
/// Every request for a collection feed (304s included) looks its definition up: an unchanged
/// file must cost no allocation, and an edited one must still be seen by the next lookup.
/// </summary>
public sealed class FileCollectionStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("feedproxy-collections-").FullName;

    // Measured on this thread around a loop with no await in it (each lookup completes
    // synchronously, or the test fails), so no other thread's work is counted. Warmed up first.
    // The bound is far below the ~400 bytes a FileInfo per lookup cost before.
    [Fact]
    public async Task ALookupOfAnUnchangedCollection_AllocatesNothing()
    {
        var store = Store();
        Write("both", "Both");
        Assert.NotNull(await store.GetAsync("both", default));   // loads it
        for (var i = 0; i < 100; i++)
        {
            Lookup(store);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Lookup(store);
        }

        var perLookup = (GC.GetAllocatedBytesForCurrentThread() - before) / 1_000.0;
        Assert.True(perLookup < 8, $"{perLookup:F1} bytes per lookup");
    }

    private static void Lookup(FileCollectionStore store)
    {
        var lookup = store.GetAsync("both", default);
        var found = lookup.IsCompletedSuccessfully ? lookup.Result : throw new InvalidOperationException("a lookup of an unchanged collection went asynchronous");
        Assert.NotNull(found);
    }

    [Fact]
    public async Task AnEdit_IsSeenByTheNextLookup_AndADeletionToo()
    {
        var store = Store();
        Write("both", "Both");
        var first = await store.GetAsync("both", default);

        Write("both", "Both, renamed");
        var second = await store.GetAsync("both", default);
        File.Delete(Path.Combine(_folder, "both.json"));

        Assert.Equal("Both", first!.Definition.Name);
        Assert.Equal("Both, renamed", second!.Definition.Name);
        Assert.NotEqual(first.Version, second.Version);
        Assert.Null(await store.GetAsync("both", default));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private FileCollectionStore Store() =>
        new(Options.Create(new FeedProxyOptions { CollectionsPath = _folder, StatePath = "" }), NullLogger<FileCollectionStore>.Instance);

    private void Write(string id, string name) =>
        File.WriteAllText(Path.Combine(_folder, id + ".json"),
            $$"""{ "name": "{{name}}", "members": [ { "event": "a" }, { "event": "b" } ] }""");
}
