using FeedProxy.Caching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace FeedProxy.Tests.Caching;

public sealed class NativeHeapTrimmerTests
{
    [Fact]
    public async Task Trims_once_at_start_and_once_per_interval_of_the_injected_clock()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // malloc_trim is glibc's: elsewhere nothing is scheduled
        }

        var clock = new FakeTimeProvider();
        using var trimmer = Create(clock, seconds: 2);
        await trimmer.StartAsync(CancellationToken.None);
        Assert.Equal(1, trimmer.Trims);

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(4, trimmer.Trims);

        await trimmer.StopAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(4, trimmer.Trims);
    }

    [Fact]
    public async Task Zero_seconds_schedules_nothing()
    {
        var clock = new FakeTimeProvider();
        using var trimmer = Create(clock, seconds: 0);
        await trimmer.StartAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, trimmer.Trims);
    }

    private static NativeHeapTrimmer Create(TimeProvider clock, int seconds) =>
        new(Options.Create(new FeedProxyOptions { Caching = { NativeTrimSeconds = seconds } }), clock, NullLogger<NativeHeapTrimmer>.Instance);
}
