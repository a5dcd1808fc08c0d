using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FeedProxy.Formats.Model;
using NodaTime;

namespace FeedProxy.Storage;

/// <summary>
/// Gives file-backed events what a database trigger gives the PostgreSQL store: when a
/// session changes in a way subscribers see, its SEQUENCE (revision) goes up and its
/// LAST-MODIFIED moves to the time the change was noticed, even if the editor of the file
/// did not touch those fields. Remembered in a small JSON state file so revisions never go
/// backwards across restarts (a lower SEQUENCE makes clients ignore the update).
/// </summary>
internal sealed class ChangeTracker(string? statePath, ILogger logger)
{
    private readonly Lock _gate = new();
    private Dictionary<string, EventState>? _state;
    private bool _persistFailed;

    internal sealed record Result(Event Event, long TrackingVersion);

    public Result Apply(Event parsed, Instant now)
    {
        lock (_gate)
        {
            _state ??= Read();
            var known = _state.TryGetValue(parsed.Id, out var eventState);
            eventState ??= new EventState();
            var changed = false;
            var sessions = new List<Session>(parsed.Sessions.Count);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var session in parsed.Sessions)
            {
                present.Add(session.Id);
                var fingerprint = Fingerprint(session);
                if (!eventState.Sessions.TryGetValue(session.Id, out var s))
                {
                    s = new SessionState { Fingerprint = fingerprint, Modified = session.LastModified.ToUnixTimeTicks() };
                    eventState.Sessions[session.Id] = s;
                    if (known)
                    {
                        // New session in an event we already served.
                        s.ChangedAt = now.ToUnixTimeSeconds();
                        changed = true;
                    }
                }
                else if (s.Fingerprint != fingerprint)
                {
                    s.Fingerprint = fingerprint;
                    s.Modified = session.LastModified.ToUnixTimeTicks();
                    s.Bumps++;
                    s.ChangedAt = now.ToUnixTimeSeconds();
                    changed = true;
                }
                else if (s.Modified is null)
                {
                    // State written before Modified existed: adopt the value seen now.
                    s.Modified = session.LastModified.ToUnixTimeTicks();
                }

                // A session nobody changed keeps the LAST-MODIFIED (and so the DTSTAMP) it had,
                // even when the file's write time, its fallback, moved because another session
                // was edited: its bytes stay the same, so CalDAV sync and If-None-Match see no
                // change where there is none.
                var lastModified = Instant.FromUnixTimeTicks(s.Modified.Value);
                if (s.ChangedAt is { } at && Instant.FromUnixTimeSeconds(at) > lastModified)
                {
                    lastModified = Instant.FromUnixTimeSeconds(at);
                }

                sessions.Add(session with { Revision = session.Revision + s.Bumps, LastModified = lastModified });
            }

            foreach (var removed in eventState.Sessions.Keys.Where(k => !present.Contains(k)).ToList())
            {
                eventState.Sessions.Remove(removed);
                changed = true;
            }

            if (changed)
            {
                eventState.ChangedAt = now.ToUnixTimeSeconds();
                eventState.Generation++;
            }

            if (!known || changed)
            {
                _state[parsed.Id] = eventState;
                Persist();
            }

            var eventModified = parsed.LastModified;
            if (eventState.ChangedAt is { } c && Instant.FromUnixTimeSeconds(c) > eventModified)
            {
                eventModified = Instant.FromUnixTimeSeconds(c);
            }

            return new Result(parsed with { Sessions = sessions, LastModified = eventModified }, eventState.Generation);
        }
    }

    /// <summary>Hash of everything about a session that a subscriber can see.</summary>
    internal static string Fingerprint(Session s)
    {
        var text = new StringBuilder()
            .Append(s.Title).Append('\u001f').Append(s.Subtitle).Append('\u001f').Append(s.Abstract).Append('\u001f')
            .Append(s.Start.ToUnixTimeTicks()).Append('\u001f').Append(s.End.ToUnixTimeTicks()).Append('\u001f')
            .Append(s.State).Append('\u001f').Append(s.Track?.Name).Append('\u001f').Append(s.Track?.Color).Append('\u001f')
            .Append(s.Room?.Name).Append('\u001f').Append(s.Type).Append('\u001f').Append(s.Language).Append('\u001f')
            .Append(s.Url).Append('\u001f').Append(s.ImageUrl).Append('\u001f').Append(s.StreamUrl).Append('\u001f')
            .Append(s.VideoUrl).Append('\u001f').Append(s.SlidesUrl);
        foreach (var speaker in s.Speakers)
        {
            text.Append('\u001e').Append(speaker.Name).Append('\u001f').Append(speaker.Organisation).Append('\u001f').Append(speaker.Position);
        }

        // A changed rule, date or override changes what calendars show: the series' SEQUENCE
        // must grow (RFC 5545 §3.8.7.4), and its overrides' with it.
        if (s.Recurrence is { } r)
        {
            text.Append('\u001d').Append(r.TimeZone);
            foreach (var rule in r.Rules) { text.Append('\u001e').Append(rule); }
            foreach (var date in r.Dates) { text.Append("\u001e+").Append(date.ToUnixTimeTicks()); }
            foreach (var date in r.ExceptionDates) { text.Append("\u001e-").Append(date.ToUnixTimeTicks()); }
            foreach (var o in r.Overrides)
            {
                text.Append("\u001e=").Append(o.RecurrenceId.ToUnixTimeTicks()).Append(':').Append(Fingerprint(o.Instance));
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 12));
    }

    private Dictionary<string, EventState> Read()
    {
        if (statePath is null || !File.Exists(statePath))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            using var stream = File.OpenRead(statePath);
            return JsonSerializer.Deserialize<Dictionary<string, EventState>>(stream) ?? new(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Change-tracking state {Path} is unreadable; starting afresh", statePath);
            return new(StringComparer.Ordinal);
        }
    }

    private void Persist()
    {
        if (statePath is null || _persistFailed)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(statePath)!);
            var temp = statePath + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(_state));
            File.Move(temp, statePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _persistFailed = true;
            logger.LogWarning(ex, "Cannot write change-tracking state to {Path}; revisions are kept in memory only", statePath);
        }
    }

    private sealed class EventState
    {
        public long Generation { get; set; }
        public long? ChangedAt { get; set; }
        public Dictionary<string, SessionState> Sessions { get; set; } = new(StringComparer.Ordinal);
    }

    private sealed class SessionState
    {
        public required string Fingerprint { get; set; }
        public int Bumps { get; set; }
        public long? ChangedAt { get; set; }

        /// <summary>The session's own LAST-MODIFIED (ticks) as of its last visible change.</summary>
        public long? Modified { get; set; }
    }
}
