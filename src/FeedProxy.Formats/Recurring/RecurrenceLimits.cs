namespace FeedProxy.Formats.Recurring;

/// <summary>
/// Bounds on expansion, so a hostile rule (FREQ=SECONDLY, a huge COUNT, a rule that never
/// matches) costs a bounded amount of CPU and memory per session and per feed.
/// </summary>
public sealed record RecurrenceLimits
{
    public static RecurrenceLimits Default { get; } = new();

    /// <summary>
    /// Limits for checking a document's overrides against their rules on write: wider than
    /// rendering's, since a write is checked once and a render runs on every request.
    /// </summary>
    internal static RecurrenceLimits Validation { get; } = new()
    {
        MaxOccurrencesPerSession = 100_000,
        MaxOccurrencesPerFeed = int.MaxValue,
        MaxStepsPerSession = 1_000_000,
        MaxStepsPerFeed = 4_000_000,
    };

    /// <summary>Occurrences of one session in one expansion; the rest are cut (and reported).</summary>
    public int MaxOccurrencesPerSession { get; init; } = 1_000;

    /// <summary>Occurrences of all sessions of one feed together.</summary>
    public int MaxOccurrencesPerFeed { get; init; } = 20_000;

    /// <summary>
    /// Candidate instants and rule periods one session may examine (a weekly rule over
    /// 30 years needs about 1,600; an impossible SECONDLY rule would need millions).
    /// </summary>
    public int MaxStepsPerSession { get; init; } = 200_000;

    /// <summary>Steps of all sessions of one feed together.</summary>
    public int MaxStepsPerFeed { get; init; } = 4_000_000;
}

/// <summary>
/// What is left of the limits while one feed is expanded. Not thread-safe: one instance
/// per expansion run.
/// </summary>
public sealed class ExpansionBudget(RecurrenceLimits limits)
{
    public RecurrenceLimits Limits { get; } = limits ?? throw new ArgumentNullException(nameof(limits));

    public int OccurrencesLeft { get; private set; } = limits.MaxOccurrencesPerFeed;

    public int StepsLeft { get; private set; } = limits.MaxStepsPerFeed;

    /// <summary>True once any expansion was cut short by a limit.</summary>
    public bool Truncated { get; internal set; }

    internal void Spend(int occurrences, int steps)
    {
        OccurrencesLeft = Math.Max(0, OccurrencesLeft - occurrences);
        StepsLeft = Math.Max(0, StepsLeft - steps);
    }
}
