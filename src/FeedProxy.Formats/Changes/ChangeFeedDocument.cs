using NodaTime;

namespace FeedProxy.Formats.Changes;

/// <summary>
/// A change feed (/events/{id}/changes.rss): the changes to show, newest first, with what
/// the writers need to word them. Like <see cref="Feeds.FeedDocument"/>, writers read nothing
/// else (no clock), so equal documents give equal bytes.
/// </summary>
public sealed record ChangeFeedDocument
{
    /// <summary>Name of the event or collection ("FOSDEM 2026").</summary>
    public required string Title { get; init; }

    /// <summary>"events/fosdem2026" or "collections/all-clubs": the tag URI path of the feed id.</summary>
    public required string FeedPath { get; init; }

    public required Uri SelfUrl { get; init; }

    /// <summary>The WebSub hub that announces changes of this feed (atom:link rel="hub"); none when null.</summary>
    public Uri? HubUrl { get; init; }

    /// <summary>The subscribe page of the event or collection.</summary>
    public required Uri PageUrl { get; init; }

    public required string UidDomain { get; init; }

    /// <summary>Newest first.</summary>
    public required IReadOnlyList<ChangeFeedItem> Items { get; init; }

    /// <summary>When nothing changed yet: the event's or collection's own last change.</summary>
    public required Instant Updated { get; init; }

    public Duration RefreshInterval { get; init; } = Duration.FromHours(1);

    /// <summary>Latest detection time, else <see cref="Updated"/>; whole seconds.</summary>
    public Instant LastModified =>
        Instant.FromUnixTimeSeconds((Items.Count > 0 ? Instant.Max(Items[0].Change.DetectedAt, Updated) : Updated).ToUnixTimeSeconds());
}

/// <summary>A change with where it happened: the event's name and zone, the session's link.</summary>
public sealed record ChangeFeedItem(ScheduleChange Change, string EventName, DateTimeZone Zone, Uri Link);
