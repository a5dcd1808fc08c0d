using System.Diagnostics;

namespace FeedProxy.Production.Tests.Infrastructure;

/// <summary>
/// Counts the statements Npgsql runs against one database whose text contains a fragment (from
/// Npgsql's activities): the instances of a scenario run in this process, as may other tests,
/// so only the test's own database counts.
/// </summary>
internal sealed class StatementCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private int _count;

    public StatementCounter(string connectionString, string fragment)
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TagObjects.Any(t => t.Value is string text && text.Contains(fragment, StringComparison.Ordinal))
                    && activity.TagObjects.Any(t => t.Value is string name && name == database))
                {
                    Interlocked.Increment(ref _count);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Count => Volatile.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
