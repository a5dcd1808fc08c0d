using FeedProxy.Formats.Feeds;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Pages;

/// <summary>Everything the subscribe page shows; built from public data only.</summary>
internal sealed record SubscribePageModel
{
    public required Event Event { get; init; }

    public required DateTimeZone Zone { get; init; }

    /// <summary>Every session a public feed of the event shows (no filter): the choices offered.</summary>
    public required IReadOnlyList<Session> AllSessions { get; init; }

    /// <summary>The sessions matching the current filter.</summary>
    public required IReadOnlyList<Session> Sessions { get; init; }

    /// <summary>The resolved current filter, or null.</summary>
    public SessionFilter? Filter { get; init; }

    /// <summary>Canonical query pairs of the current filter ("track", "security").</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> FilterQuery { get; init; }

    /// <summary>The reminder chosen on the page ("-PT10M"), carried by the calendar links only; null for none.</summary>
    public string? Alarm { get; init; }

    /// <summary>Absolute URL of the feed without extension: "https://host/events/id" or ".../private/{token}/events/id".</summary>
    public required string FeedStem { get; init; }

    /// <summary>Absolute path (with path base) of this page, the filter form's action.</summary>
    public required string PagePath { get; init; }

    /// <summary>Agenda feed URL without extension, when the request chose sessions.</summary>
    public string? AgendaStem { get; init; }

    public int AgendaCount { get; init; }

    /// <summary>Sessions in the agenda being shown (their boxes stay ticked).</summary>
    public IReadOnlySet<string> AgendaSessionIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Personal agendas are offered on public pages only.</summary>
    public bool OffersAgenda { get; init; }

    /// <summary>
    /// No PublicBaseUrl is configured and the request came to a loopback host, so every link
    /// and the QR code point at a machine only this computer can reach: the page says so.
    /// </summary>
    public bool LinksAreLocalOnly { get; init; }

    /// <summary>What to enter as the server of a CalDAV account (the /dav/ root, or a private calendar's own root); null: not offered.</summary>
    public string? CalDavAccountUrl { get; init; }

    /// <summary>The event's CalDAV calendar collection.</summary>
    public string? CalDavCalendarUrl { get; init; }
}
