using FeedProxy.Formats.Import;
using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Upstream;

/// <summary>What an upstream URL serves.</summary>
public enum SourceKind
{
    /// <summary>An Open Event Server v1 event URL, read through its JSON:API.</summary>
    OpenEvent,
    /// <summary>A schedule file (frab/pentabarf XML, c3voc/pretalx/frab JSON, Open Event export), format sniffed.</summary>
    Schedule,
    /// <summary>An iCalendar document.</summary>
    ICalendar,
    /// <summary>An RSS 2.0 or Atom events feed.</summary>
    Feed,
}

/// <summary>Wire names of <see cref="SourceKind"/> and the single-document readers.</summary>
public static class SourceKinds
{
    public static bool TryParse(string? value, out SourceKind kind)
    {
        kind = default;
        switch (value?.Trim().ToLowerInvariant())
        {
            case "openevent": kind = SourceKind.OpenEvent; return true;
            case "schedule": kind = SourceKind.Schedule; return true;
            case "ics": kind = SourceKind.ICalendar; return true;
            case "feed": kind = SourceKind.Feed; return true;
            default: return false;
        }
    }

    public static string ToWireName(this SourceKind kind) => kind switch
    {
        SourceKind.OpenEvent => "openevent",
        SourceKind.Schedule => "schedule",
        SourceKind.ICalendar => "ics",
        SourceKind.Feed => "feed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Reads one fetched document of a single-document kind (every kind but <see cref="SourceKind.OpenEvent"/>).</summary>
    /// <exception cref="ImportException">The document is not what the kind expects.</exception>
    public static Event Read(SourceKind kind, byte[] body, string? contentType, UpstreamReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        switch (kind)
        {
            case SourceKind.ICalendar:
                return ICalendarSourceReader.Read(body, options);
            case SourceKind.Feed:
                return SyndicationSourceReader.Read(body, options);
            case SourceKind.Schedule:
                using (var stream = new MemoryStream(body, writable: false))
                {
                    var imported = ScheduleImporters.Import(stream, contentType, new ImportOptions { EventId = options.EventId, TimeZone = options.TimeZone, ImportedAt = options.ReadAt });
                    return imported with { Id = options.EventId };
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), "Open Event sources are read page by page with OpenEventApiReader.");
        }
    }
}
