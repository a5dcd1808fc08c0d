using FeedProxy.Formats.Import;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using FeedProxy.Storage;
using NodaTime;

namespace FeedProxy.Admin;

/// <summary>What an import did.</summary>
public sealed record ImportSummary(string EventId, string Name, int Sessions, int PublicSessions, bool Published, bool Created, bool Changed);

/// <summary>
/// Schedule import (frab/pentabarf XML, c3voc/pretalx schedule JSON, Open Event JSON) for the
/// admin API and the command line. Atomic: the file is parsed and validated completely
/// before one store write replaces the event, so a malformed upload changes nothing.
/// Idempotent: ids come from the source, so a re-import updates in place and UIDs stay stable.
/// </summary>
internal sealed class ImportService(IEventStore store, IEventAdminStore admin, TimeProvider time, Microsoft.Extensions.Options.IOptions<Limits.RequestLimitOptions> limits)
{
    /// <exception cref="ImportException">The input is not a schedule we can read; names the line or field.</exception>
    public async Task<ImportSummary> ImportAsync(string eventId, Func<ImportOptions, Event> read, bool publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!ScheduleId.IsValid(eventId))
        {
            throw new ImportException("The event id is not valid: 1-128 letters, digits, '.', '_' or '-'.", "eventId");
        }

        var existing = await store.GetAsync(eventId, cancellationToken);
        var imported = read(new ImportOptions
        {
            EventId = eventId,
            ImportedAt = Instant.FromDateTimeOffset(time.GetUtcNow()),
            Limits = new ImportLimits
            {
                MaxXmlDepth = Math.Max(8, limits.Value.MaxXmlDepth),
                MaxXmlElements = Math.Max(1000, limits.Value.MaxXmlElements),
                MaxUncompressedBytes = Math.Max(1, limits.Value.MaxUncompressedMegabytes) * 1024L * 1024,
                MaxCompressionRatio = Math.Max(2, limits.Value.MaxCompressionRatio),
            },
        });

        // An import replaces the schedule, not the organiser's decisions about the event:
        // a private event stays private.
        var model = imported with
        {
            Id = eventId,
            Published = publish,
            Visibility = existing?.Event.Visibility ?? EventVisibility.Public,
        };
        if (existing is not null)
        {
            model = KeepBookkeeping(existing.Event, model, out var unchanged);
            if (unchanged)
            {
                return Summary(model, created: false, changed: false);
            }
        }

        // The same validation every other way into the store applies, before anything is written.
        try
        {
            _ = EventJsonMapper.ToModel(EventJsonWriter.FromModel(model), model.LastModified, eventId);
        }
        catch (EventValidationException ex)
        {
            var first = ex.Errors.First();
            throw new ImportException($"The imported schedule is not valid: {first.Key}: {string.Join(", ", first.Value)}", first.Key);
        }

        await admin.SaveAsync(model, cancellationToken);
        return Summary(model, created: existing is null, changed: true);
    }

    private static ImportSummary Summary(Event model, bool created, bool changed) =>
        new(model.Id, model.Name, model.Sessions.Count, model.Sessions.Count(s => s.State.IsPublic()), model.Published, created, changed);

    /// <summary>
    /// A re-import of the same schedule must not look like an edit: sessions whose content did
    /// not change keep their change time and revision (so LAST-MODIFIED, SEQUENCE, ETags and
    /// Last-Modified stay put); changed ones get the import time and the store bumps them.
    /// </summary>
    private static Event KeepBookkeeping(Event existing, Event imported, out bool unchanged)
    {
        var before = existing.Sessions.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var sessionsChanged = before.Count != imported.Sessions.Count;
        var sessions = new List<Session>(imported.Sessions.Count);
        foreach (var session in imported.Sessions)
        {
            if (before.TryGetValue(session.Id, out var old) && ChangeTracker.Fingerprint(old) == ChangeTracker.Fingerprint(session) && old.State == session.State)
            {
                sessions.Add(session with { LastModified = old.LastModified, Revision = old.Revision });
            }
            else
            {
                sessionsChanged = true;
                sessions.Add(old is null ? session : session with { Revision = old.Revision });
            }
        }

        var eventChanged = existing.Name != imported.Name || existing.Description != imported.Description
            || existing.Url != imported.Url || existing.TimeZone != imported.TimeZone || existing.Venue != imported.Venue
            || existing.ImageUrl != imported.ImageUrl || existing.Published != imported.Published
            || !existing.Tracks.SequenceEqual(imported.Tracks) || !existing.Rooms.SequenceEqual(imported.Rooms)
            || !existing.Speakers.OrderBy(s => s.Id, StringComparer.Ordinal).SequenceEqual(imported.Speakers.OrderBy(s => s.Id, StringComparer.Ordinal));
        unchanged = !sessionsChanged && !eventChanged;
        return imported with
        {
            Sessions = sessions,
            LastModified = sessionsChanged || eventChanged ? imported.LastModified : existing.LastModified,
        };
    }

    /// <summary>Reads an uploaded body: the format is detected from the content type and the first bytes.</summary>
    public static Func<ImportOptions, Event> FromStream(Stream body, string? contentType, string? timeZone) =>
        options => ScheduleImporters.Import(body, contentType, options with { TimeZone = timeZone });

    /// <summary>Reads a file, or an unpacked Open Event export folder.</summary>
    public static Func<ImportOptions, Event> FromPath(string path, string? timeZone) =>
        options =>
        {
            options = options with { TimeZone = timeZone };
            if (Directory.Exists(path))
            {
                return OpenEventImporter.ImportDirectory(path, options);
            }

            using var file = File.OpenRead(path);
            var contentType = Path.GetExtension(path).ToUpperInvariant() switch
            {
                ".XML" => "application/xml",
                ".JSON" => "application/json",
                ".ZIP" => "application/zip",
                _ => null,
            };
            return ScheduleImporters.Import(file, contentType, options);
        };
}
