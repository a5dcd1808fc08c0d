using FeedProxy.Rendering;

namespace FeedProxy.Tests.Rendering;

public sealed class SingleFlightTests
{
    [Fact]
    public async Task CallersOfOneKey_WhileItRuns_ShareOneRun()
    {
        var flights = new SingleFlight<string, int>(StringComparer.Ordinal);
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = 0;
        Task<int> Start(string key, int _)
        {
            Interlocked.Increment(ref starts);
            return gate.Task;
        }

        var first = flights.RunAsync("k", 0, Start, CancellationToken.None);
        Assert.True(flights.IsRunning("k"));
        var second = flights.RunAsync("k", 0, Start, CancellationToken.None);
        var other = flights.RunAsync("other", 0, (_, _) => Task.FromResult(7), CancellationToken.None);

        gate.SetResult(42);
        Assert.Equal(42, await first);
        Assert.Equal(42, await second);
        Assert.Equal(7, await other);
        Assert.Equal(1, starts);
        Assert.False(flights.IsRunning("k"));
        Assert.Equal(0, flights.Count);
    }

    [Fact]
    public async Task ACallerThatStopsWaiting_DoesNotEndTheRunForTheOthers()
    {
        var flights = new SingleFlight<string, int>();
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();
        var impatient = flights.RunAsync("k", gate, static (_, g) => g.Task, cancel.Token);
        var patient = flights.RunAsync("k", gate, static (_, g) => g.Task, CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        Assert.True(flights.IsRunning("k"));

        gate.SetResult(1);
        Assert.Equal(1, await patient);
    }

    [Fact]
    public async Task AFailure_ReachesEveryCallerThatJoined_AndTheNextCallerStartsAfresh()
    {
        var flights = new SingleFlight<int, string>();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = flights.RunAsync(1, gate, static (_, g) => g.Task, CancellationToken.None);
        var second = flights.RunAsync(1, gate, static (_, g) => g.Task, CancellationToken.None);

        gate.SetException(new InvalidOperationException("store down"));
        Assert.Equal("store down", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("store down", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Equal("again", await flights.RunAsync(1, 0, static (_, _) => Task.FromResult("again"), CancellationToken.None));
    }
}
