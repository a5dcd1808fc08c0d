namespace FeedProxy.Timing;

/// <summary>
/// Where jitter comes from: uniform numbers in [0, 1) that spread retries and backoffs of many
/// sources apart. Injected like <see cref="TimeProvider"/>, so a test fixes both the clock and
/// the spread and can count what happens in an interval. Thread-safe.
/// </summary>
internal interface IJitterSource
{
    /// <summary>A number in [0, 1).</summary>
    double NextDouble();
}

/// <summary>The production source: the shared, thread-safe <see cref="System.Random"/>.</summary>
internal sealed class SharedJitterSource : IJitterSource
{
    public double NextDouble() => System.Random.Shared.NextDouble();
}
