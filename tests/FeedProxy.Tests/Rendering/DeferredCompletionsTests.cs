using FeedProxy.Rendering;

namespace FeedProxy.Tests.Rendering;

/// <summary>A nested render's background completion starts when the outer render is done, and never later.</summary>
public sealed class DeferredCompletionsTests
{
    [Fact]
    public async Task OutsideARender_StartsAtOnce()
    {
        var started = 0;
        await Task.Yield();
        DeferredCompletions.Start(() => started++);
        Assert.Equal(1, started);
    }

    [Fact]
    public async Task InsideARender_StartsWhenItCloses_NestedRendersShareTheOuterScope()
    {
        var started = new List<string>();
        await OuterAsync();
        Assert.Equal(["inner", "outer"], started);

        async Task OuterAsync()
        {
            var scope = DeferredCompletions.Open();
            Assert.NotNull(scope);
            await InnerAsync();
            DeferredCompletions.Start(() => started.Add("outer"));
            Assert.Empty(started);
            scope.Close();
            Assert.Equal(2, started.Count);

            // Closed: whatever still carries this context starts at once.
            DeferredCompletions.Start(() => started.Add("late"));
            Assert.Equal("late", started[^1]);
            started.RemoveAt(started.Count - 1);
        }

        async Task InnerAsync()
        {
            await Task.Yield();
            Assert.Null(DeferredCompletions.Open());
            DeferredCompletions.Start(() => started.Add("inner"));
        }
    }

    [Fact]
    public async Task AScopeSetInsideARender_DoesNotFlowBackToItsCaller()
    {
        await OpenAsync();
        var started = 0;
        DeferredCompletions.Start(() => started++);
        Assert.Equal(1, started);

        static async Task OpenAsync()
        {
            Assert.NotNull(DeferredCompletions.Open());
            await Task.Yield();
        }
    }
}
