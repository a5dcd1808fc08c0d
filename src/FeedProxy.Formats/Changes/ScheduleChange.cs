using NodaTime;

namespace FeedProxy.Formats.Changes;

/// <summary>The kinds of schedule change a subscriber is told about.</summary>
public enum ChangeKind
{
    /// <summary>A public session appeared in an event that was already published.</summary>
    Added,
    /// <summary>A public session was cancelled or taken off the schedule.</summary>
    Cancelled,
    /// <summary>Its start, end or room changed.</summary>
    Moved,
    /// <summary>Its title changed.</summary>
    Retitled,
    /// <summary>Its speaker list changed.</summary>
    Speakers,
}

/// <summary>
/// One detected change of one public session, as the change log keeps it. Only public data:
/// titles, times, room and speaker names (never e-mail addresses or non-public sessions).
/// </summary>
public sealed record ScheduleChange
{
    /// <summary>Stable per store: the basis of the item's guid.</summary>
    public required long Id { get; init; }
    public required string EventId { get; init; }
    public required string SessionId { get; init; }
    public required ChangeKind Kind { get; init; }

    /// <summary>The session's title after the change (before it, for a cancellation).</summary>
    public required string Title { get; init; }
    public string? OldTitle { get; init; }
    public Instant? OldStart { get; init; }
    public Instant? OldEnd { get; init; }
    public string? OldRoom { get; init; }
    public Instant? NewStart { get; init; }
    public Instant? NewEnd { get; init; }
    public string? NewRoom { get; init; }
    public string? OldSpeakers { get; init; }
    public string? NewSpeakers { get; init; }

    /// <summary>When the change was stored (detected), whole seconds.</summary>
    public required Instant DetectedAt { get; init; }

    /// <summary>Lower-case name used in storage ("moved").</summary>
    public static string NameOf(ChangeKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryParseKind(string name, out ChangeKind kind) => Enum.TryParse(name, ignoreCase: true, out kind) && Enum.IsDefined(kind);
}
