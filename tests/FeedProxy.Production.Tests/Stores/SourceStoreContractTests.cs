using FeedProxy.Formats.Upstream;
using FeedProxy.Production.Tests.Infrastructure;
using FeedProxy.Production.Tests.Storage;
using FeedProxy.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace FeedProxy.Production.Tests.Stores;

/// <summary>
/// What every <see cref="ISourceStore"/> does. The stores are built directly on a fake clock
/// (no host, so no refresher claims behind the test's back); due times, leases and claims are
/// decided by moving that clock.
/// </summary>
public abstract class SourceStoreContractTests : IAsyncLifetime
{
    private static readonly Duration Lease = Duration.FromMinutes(1);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private ISourceStore Store { get; set; } = null!;

    private static CancellationToken None => CancellationToken.None;

    private Instant Now => Instant.FromDateTimeOffset(Time.GetUtcNow());

    /// <summary>A store on empty storage, reading the clock <see cref="Time"/>.</summary>
    protected abstract Task<ISourceStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static SourceDefinition Definition(string id, int refresh = 300, string path = "basic.ics") => new(
        id, SourceKind.ICalendar, new Uri("https://calendar.example.org/" + path), refresh, "Europe/Berlin",
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer secret" });

    [Fact]
    public async Task APutSource_ReadsBackWithHeaders_DueAtOnce_WithNoValidators()
    {
        await Store.PutAsync(Definition("conf"), None);

        var found = await Store.GetAsync("conf", None);

        Assert.NotNull(found);
        var (definition, status) = found.Value;
        Assert.Equal(Definition("conf").ContentKey, definition.ContentKey);
        Assert.Equal((SourceKind.ICalendar, 300, "Europe/Berlin"), (definition.Kind, definition.RefreshSeconds, definition.TimeZone));
        Assert.Equal("Bearer secret", definition.Headers["authorization"]);
        Assert.Equal(1, status.Generation);
        Assert.Equal(Now, status.NextDue);
        Assert.Null(status.ClaimedUntil);
        Assert.Equal((0, null, null, null), (status.Failures, status.ETag, status.LastModified, status.LastResult));
        Assert.Equal(new Dictionary<string, Instant?> { ["conf"] = Now }, await Store.ListDueAsync(None));
    }

    [Fact]
    public async Task AnUnknownSource_IsNull_NotListed_NotClaimed_AndDeletingItIsFalse()
    {
        Assert.Null(await Store.GetAsync("nothing", None));
        Assert.Empty(await Store.ListDueAsync(None));
        Assert.Null(await Store.ClaimAsync(null, Lease, None));
        Assert.Null(await Store.ClaimAsync("nothing", Lease, None));
        Assert.False(await Store.DeleteAsync("nothing", None));
        Assert.False(await Store.DeleteAsync("../nothing", None)); // no event can have that id
        Assert.Null(await Store.GetAsync("../nothing", None));
        Assert.Null(await Store.ClaimAsync("../nothing", Lease, None));
        await Store.MakeDueAsync("nothing", None);
        await Store.CompleteAsync("nothing", new SourceStatus { Generation = 1, NextDue = Now }, None);
        Assert.Null(await Store.GetAsync("nothing", None));
    }

    [Fact]
    public async Task Deleting_RemovesTheSourceFromReadsListsAndClaims()
    {
        await Store.PutAsync(Definition("conf"), None);
        await Store.PutAsync(Definition("other"), None);

        Assert.True(await Store.DeleteAsync("conf", None));

        Assert.Null(await Store.GetAsync("conf", None));
        Assert.Equal(["other"], (await Store.ListDueAsync(None)).Keys);
        Assert.Equal("other", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
        Assert.Null(await Store.ClaimAsync("conf", Lease, None));
        Assert.False(await Store.DeleteAsync("conf", None));
    }

    [Fact]
    public async Task AClaim_MovesTheNextDueTimeOneIntervalAhead_AndLeasesTheSource()
    {
        await Store.PutAsync(Definition("conf", refresh: 300), None);

        var claimed = await Store.ClaimAsync(null, Lease, None);

        Assert.NotNull(claimed);
        Assert.Equal("conf", claimed.Definition.EventId);
        Assert.Equal((Now + Duration.FromSeconds(300), Now + Lease), (claimed.Status.NextDue, claimed.Status.ClaimedUntil));
        var stored = (await Store.GetAsync("conf", None))!.Value.Status;
        Assert.Equal((claimed.Status.NextDue, claimed.Status.ClaimedUntil), (stored.NextDue, stored.ClaimedUntil));
        Assert.Equal(Now + Duration.FromSeconds(300), (await Store.ListDueAsync(None))["conf"]);
        Assert.Null(await Store.ClaimAsync(null, Lease, None)); // not due
        Assert.Null(await Store.ClaimAsync("conf", Lease, None)); // leased, even when named
    }

    [Fact]
    public async Task ALeaseThatRanOut_CanBeClaimedAgain_ByName()
    {
        await Store.PutAsync(Definition("conf", refresh: 300), None);
        Assert.NotNull(await Store.ClaimAsync(null, Lease, None));

        Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await Store.ClaimAsync(null, Lease, None)); // lease over, still not due
        var again = await Store.ClaimAsync("conf", Lease, None);
        Assert.NotNull(again);
        Assert.Equal(Now + Lease, again.Status.ClaimedUntil);
    }

    [Fact]
    public async Task ClaimsTakeTheMostOverdueSourceFirst_AndOnlyDueOnes()
    {
        await Store.PutAsync(Definition("late", refresh: 600), None);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.PutAsync(Definition("later", refresh: 600), None);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("late", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
        Assert.Equal("later", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
        Assert.Null(await Store.ClaimAsync(null, Lease, None));

        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("late", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
    }

    [Fact]
    public async Task Complete_StoresTheOutcome_AndReleasesTheLease()
    {
        await Store.PutAsync(Definition("conf"), None);
        var claimed = await Store.ClaimAsync(null, Lease, None);
        Assert.NotNull(claimed);
        var next = Now + Duration.FromMinutes(5);

        await Store.CompleteAsync("conf", claimed.Status with
        {
            LastResult = "200", ETag = "\"v1\"", LastModified = "Sun, 01 Mar 2026 08:00:00 GMT", BodyHash = "abc",
            LastAttempt = Now, LastSuccess = Now, LastChange = Now, NextDue = next, Warnings = "Session 'x': RRULE rejected.",
        }, None);

        var done = (await Store.GetAsync("conf", None))!.Value.Status;
        Assert.Null(done.ClaimedUntil);
        Assert.Equal(("200", "\"v1\"", "Sun, 01 Mar 2026 08:00:00 GMT", "abc"), (done.LastResult, done.ETag, done.LastModified, done.BodyHash));
        Assert.Equal((Now, Now, Now, next), (done.LastAttempt!.Value, done.LastSuccess!.Value, done.LastChange!.Value, done.NextDue!.Value));
        Assert.Equal("Session 'x': RRULE rejected.", done.Warnings);
        Assert.Equal(next, (await Store.ListDueAsync(None))["conf"]);
        Assert.Null(await Store.ClaimAsync(null, Lease, None)); // not due
        Assert.NotNull(await Store.ClaimAsync("conf", Lease, None)); // named: not due, but no longer leased
    }

    [Fact]
    public async Task AFailure_IsStoredWithItsCount()
    {
        await Store.PutAsync(Definition("conf"), None);
        var claimed = await Store.ClaimAsync(null, Lease, None);

        await Store.CompleteAsync("conf", claimed!.Status with { LastResult = "error", LastError = "503", Failures = 2, LastAttempt = Now, NextDue = Now + Duration.FromMinutes(4) }, None);

        var status = (await Store.GetAsync("conf", None))!.Value.Status;
        Assert.Equal(("error", "503", 2), (status.LastResult, status.LastError, status.Failures));
        Assert.Null(status.LastSuccess);
    }

    [Fact]
    public async Task APutOverASource_StartsAfresh_AndACompletionOfTheOldDefinitionIsIgnored()
    {
        await Store.PutAsync(Definition("conf"), None);
        var claimed = await Store.ClaimAsync(null, Lease, None);
        await Store.CompleteAsync("conf", claimed!.Status with { LastResult = "200", ETag = "\"v1\"", Failures = 1, Warnings = "w", NextDue = Now + Duration.FromMinutes(5) }, None);
        var stale = await Store.ClaimAsync("conf", Lease, None);
        Time.Advance(TimeSpan.FromSeconds(30));

        await Store.PutAsync(Definition("conf", refresh: 600, path: "other.ics"), None);

        // The refresh of the old definition is still under way: its lease stays, so the new
        // definition is not refreshed beside it...
        Assert.Equal(stale!.Status.ClaimedUntil, (await Store.GetAsync("conf", None))!.Value.Status.ClaimedUntil);
        Assert.Null(await Store.ClaimAsync(null, Lease, None));
        Assert.Null(await Store.ClaimAsync("conf", Lease, None));

        // ...and its completion stores nothing but hands the lease back: the new one is claimed at once.
        await Store.CompleteAsync("conf", stale.Status with { LastResult = "200", ETag = "\"old\"" }, None);

        var (definition, status) = (await Store.GetAsync("conf", None))!.Value;
        Assert.Equal(("https://calendar.example.org/other.ics", 600), (definition.Url.AbsoluteUri, definition.RefreshSeconds));
        Assert.Equal(2, status.Generation);
        Assert.Equal(Now, status.NextDue);
        Assert.Null(status.ClaimedUntil);
        Assert.Equal((0, null, null, null), (status.Failures, status.ETag, status.LastResult, status.Warnings));
        Assert.Equal("conf", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
    }

    [Fact]
    public async Task ACompletionOfAReplacedDefinition_ReleasesOnlyTheLeaseItTook()
    {
        await Store.PutAsync(Definition("conf"), None);
        var old = await Store.ClaimAsync(null, Lease, None);
        await Store.PutAsync(Definition("conf", path: "other.ics"), None);
        Time.Advance(TimeSpan.FromMinutes(2)); // the old refresh hangs past its lease
        var current = await Store.ClaimAsync(null, Lease, None);
        Assert.Equal(2, current?.Status.Generation);

        await Store.CompleteAsync("conf", old!.Status with { LastResult = "200" }, None);

        var status = (await Store.GetAsync("conf", None))!.Value.Status;
        Assert.Equal(current!.Status.ClaimedUntil, status.ClaimedUntil);
        Assert.Null(status.LastResult);
        Assert.Null(await Store.ClaimAsync("conf", Lease, None));
    }

    [Fact]
    public async Task ALeaseEndingNow_IsOver()
    {
        await Store.PutAsync(Definition("conf", refresh: 60), None);
        Assert.NotNull(await Store.ClaimAsync(null, Lease, None));

        Time.Advance(Lease.ToTimeSpan());

        Assert.Equal("conf", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId); // due again, and no longer leased
    }

    [Fact]
    public async Task ACompletionWithoutANextDueTime_KeepsTheOneTheClaimSet()
    {
        await Store.PutAsync(Definition("conf", refresh: 300), None);
        var claimed = await Store.ClaimAsync(null, Lease, None);

        await Store.CompleteAsync("conf", claimed!.Status with { LastResult = "304", NextDue = null }, None);

        var status = (await Store.GetAsync("conf", None))!.Value.Status;
        Assert.Equal((Now + Duration.FromSeconds(300), (Instant?)null), (status.NextDue, status.ClaimedUntil));
        Assert.Equal(Now + Duration.FromSeconds(300), (await Store.ListDueAsync(None))["conf"]);
        Assert.Null(await Store.ClaimAsync(null, Lease, None));
    }

    [Fact]
    public async Task MakeDue_OnAnOverdueSource_KeepsItsEarlierTime_AndItsPlaceInTheClaimOrder()
    {
        await Store.PutAsync(Definition("late"), None);
        var due = Now;
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.PutAsync(Definition("later"), None);
        Time.Advance(TimeSpan.FromMinutes(1));

        await Store.MakeDueAsync("late", None);

        Assert.Equal(due, (await Store.ListDueAsync(None))["late"]);
        Assert.Equal("late", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
    }

    [Fact]
    public async Task MakeDue_BringsANotYetDueSourceToNow()
    {
        await Store.PutAsync(Definition("conf", refresh: 600), None);
        var claimed = await Store.ClaimAsync(null, Lease, None);
        await Store.CompleteAsync("conf", claimed!.Status with { LastResult = "304", NextDue = Now + Duration.FromMinutes(10) }, None);
        Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Null(await Store.ClaimAsync(null, Lease, None));

        await Store.MakeDueAsync("conf", None);

        Assert.Equal(Now, (await Store.ListDueAsync(None))["conf"]);
        Assert.Equal("conf", (await Store.ClaimAsync(null, Lease, None))?.Definition.EventId);
    }
}

public sealed class FileSourceStoreContractTests : SourceStoreContractTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("feedproxy-sources-").FullName;

    protected override Task<ISourceStore> CreateStoreAsync()
    {
        var options = Options.Create(new FeedProxyOptions { EventsPath = Path.Combine(_root, "events"), StatePath = Path.Combine(_root, "state") });
        return Task.FromResult<ISourceStore>(new FileSourceStore(options, Time, NullLogger<FileSourceStore>.Instance));
    }

    public override Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(UsesServers.Name)]
public sealed class PostgresSourceStoreContractTests(ServersFixture servers) : SourceStoreContractTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<ISourceStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync(servers);
        return new PostgresSourceStore(_database.DataSource, Time);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
