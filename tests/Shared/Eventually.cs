using System.Diagnostics;

namespace FeedProxy.Testing;

/// <summary>
/// Waits for an eventual outcome (a file reload, a background refresh, a notification from
/// another instance, codings stored off the request path) by asking again until it holds. A
/// single sample or a fixed sleep races that background work and fails now and then on a
/// loaded machine; the deadline is generous because it only ends a run that is failing anyway,
/// it never decides a passing one. Bounds that are part of what a test asserts are measured
/// separately, by the test, from the product's own signal. Compiled into every test project.
/// </summary>
internal static class Eventually
{
    /// <summary>
    /// How long an outcome may take before the test gives up: a hang guard only, far above any
    /// real wait even on a machine shared with other builds (two cores, several test runs).
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <summary>True once <paramref name="condition"/> holds; false when it still does not at the deadline.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (watch.Elapsed > (deadline ?? Deadline))
            {
                return false;
            }

            await Task.Delay(Pause).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc cref="TrueAsync(Func{Task{bool}}, TimeSpan?)"/>
    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), deadline);
    }

    /// <summary>
    /// Samples until <paramref name="done"/> accepts a sample and returns that sample; at the
    /// deadline, the last one (the test's assertion then shows what was seen instead).
    /// </summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> sample, Func<T, bool> done, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(done);
        var watch = Stopwatch.StartNew();
        var value = await sample().ConfigureAwait(false);
        while (!done(value) && watch.Elapsed <= (deadline ?? Deadline))
        {
            await Task.Delay(Pause).ConfigureAwait(false);
            value = await sample().ConfigureAwait(false);
        }

        return value;
    }
}
