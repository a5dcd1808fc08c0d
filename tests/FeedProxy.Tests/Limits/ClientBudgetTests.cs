using System.Net;
using FeedProxy.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FeedProxy.Tests.Limits;

/// <summary>The token bucket itself, on a clock the test advances.</summary>
public sealed class ClientBudgetTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ClientBudget _budget;

    public ClientBudgetTests() =>
        _budget = new ClientBudget(Options.Create(new RateLimitOptions { PermitsPerMinute = 120, Burst = 3 }), _clock);

    public void Dispose() => _budget.Dispose();

    private static DefaultHttpContext From(string address) =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };

    [Fact]
    public void Burst_ThenRefusedUntilTheNextSecond_WhichRefillsPermitsPerMinuteOverSixty()
    {
        var client = From("203.0.113.7");
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));

        _clock.Advance(TimeSpan.FromMilliseconds(400));
        var wait = _budget.TrySpend(client);
        Assert.InRange(wait!.Value.TotalMilliseconds, 599, 601); // until the next whole second

        _clock.Advance(TimeSpan.FromMilliseconds(600)); // one whole second: two tokens (120 a minute)
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));
        Assert.NotNull(_budget.TrySpend(client));

        _clock.Advance(TimeSpan.FromMinutes(5)); // never more than the burst
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));
        Assert.NotNull(_budget.TrySpend(client));
    }

    [Fact]
    public void ClientsHaveTheirOwnBudget_IPv6ByItsSlash64()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(_budget.TrySpend(From("2001:db8:1:2::" + (i + 1))));
        }

        Assert.NotNull(_budget.TrySpend(From("2001:db8:1:2::ffff")));
        Assert.Null(_budget.TrySpend(From("2001:db8:1:3::1")));
        Assert.Null(_budget.TrySpend(From("198.51.100.9")));
    }

    [Fact]
    public void FullBuckets_AreSwept_SoMemoryFollowsRecentClientsOnly()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(_budget.TrySpend(From($"10.0.{i / 250}.{i % 250}")));
        }

        Assert.Equal(100, _budget.Count);
        _clock.Advance(TimeSpan.FromSeconds(10)); // the sweep runs; every bucket has refilled
        Assert.Equal(0, _budget.Count);

        // A swept client starts again with a full bucket.
        var client = From("10.0.0.1");
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));
        Assert.Null(_budget.TrySpend(client));
        Assert.NotNull(_budget.TrySpend(client));
    }

    [Fact]
    public void Disabled_AdmitsEverything()
    {
        using var off = new ClientBudget(Options.Create(new RateLimitOptions { PermitsPerMinute = 0 }), _clock);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(off.TrySpend(From("203.0.113.7")));
        }
    }
}
