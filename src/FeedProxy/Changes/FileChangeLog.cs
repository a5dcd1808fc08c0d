using System.Text.Json;
using System.Text.Json.Serialization;
using FeedProxy.Formats.Changes;
using FeedProxy.Formats.Json;
using FeedProxy.Formats.Model;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FeedProxy.Changes;

/// <summary>
/// The change log of the embedded store: per event, the public view of the last stored
/// version and the changes detected since, in the state folder (changes/{id}.json), so a
/// restart neither loses news nor reports old edits again. <see cref="Record"/> is called by
/// the file store each time it stores a new version of an event. Thread-safe.
/// </summary>
internal sealed partial class FileChangeLog : IChangeLog
{
    // Bounds each event's log whatever the retention: a feed shows at most MaxItems anyway.
    private const int MaxKeptPerEvent = 1000;

    private readonly string? _folder;
    private readonly Duration _retention;
    private readonly ILogger<FileChangeLog> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EventLog> _logs = new(StringComparer.Ordinal);

    public FileChangeLog(IOptions<FeedProxyOptions> options, IOptions<ChangeOptions> changes, ILogger<FileChangeLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(changes);
        var state = options.Value.StatePath;
        _folder = string.IsNullOrWhiteSpace(state) ? null : Path.GetFullPath(Path.Combine(state, "changes"));
        _retention = Duration.FromDays(Math.Max(0, changes.Value.RetentionDays));
        _logger = logger;
    }

    /// <summary>
    /// Compares a newly stored version with the last one and logs what changed. The first
    /// version ever seen of an event only sets the baseline: a new event is no news.
    /// </summary>
    /// <returns>The number of changes logged.</returns>
    public int Record(Event schedule, Instant now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var after = SessionView.Of(schedule);
        lock (_gate)
        {
            var log = Load(schedule.Id);
            var detected = Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            var changes = log.Sessions is null ? [] : ChangeDetector.Compare(schedule.Id, log.Sessions, after, detected);
            var unchanged = log.Sessions is not null && changes.Count == 0 && SameViews(log.Sessions, after);
            if (unchanged)
            {
                return 0;
            }

            foreach (var change in changes)
            {
                log.Changes.Add(ChangeRecord.From(change with { Id = ++log.NextId }));
            }

            log.Sessions = after;
            Trim(log, now);
            Persist(schedule.Id, log);
            return changes.Count;
        }
    }

    public ValueTask<IReadOnlyList<ScheduleChange>> ReadAsync(IReadOnlyCollection<string> eventIds, Instant since, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var result = new List<ScheduleChange>();
        lock (_gate)
        {
            foreach (var id in eventIds.Distinct(StringComparer.Ordinal))
            {
                if (ScheduleId.IsValid(id))
                {
                    result.AddRange(Load(id).Changes.Where(c => c.DetectedAt >= since.ToUnixTimeSeconds()).Select(c => c.ToChange(id)));
                }
            }
        }

        result.Sort((a, b) =>
        {
            var byTime = b.DetectedAt.CompareTo(a.DetectedAt);
            if (byTime != 0) { return byTime; }
            var byEvent = string.CompareOrdinal(a.EventId, b.EventId);
            return byEvent != 0 ? byEvent : b.Id.CompareTo(a.Id);
        });
        IReadOnlyList<ScheduleChange> newest = result.Count > limit ? result.GetRange(0, limit) : result;
        return ValueTask.FromResult(newest);
    }

    private static bool SameViews(Dictionary<string, SessionView> a, Dictionary<string, SessionView> b) =>
        a.Count == b.Count && a.All(x => b.TryGetValue(x.Key, out var y) && x.Value == y);

    private void Trim(EventLog log, Instant now)
    {
        var oldest = (now - _retention).ToUnixTimeSeconds();
        log.Changes.RemoveAll(c => c.DetectedAt < oldest);
        if (log.Changes.Count > MaxKeptPerEvent)
        {
            log.Changes.RemoveRange(0, log.Changes.Count - MaxKeptPerEvent);
        }
    }

    private EventLog Load(string eventId)
    {
        if (_logs.TryGetValue(eventId, out var log))
        {
            return log;
        }

        log = new EventLog();
        var path = PathOf(eventId);
        if (path is not null && File.Exists(path))
        {
            try
            {
                log = JsonSerializer.Deserialize(File.ReadAllBytes(path), ChangeLogJsonContext.Default.EventLog) ?? new EventLog();
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                LogUnreadable(path, ex.Message);
                log = new EventLog();
            }
        }

        _logs[eventId] = log;
        return log;
    }

    private void Persist(string eventId, EventLog log)
    {
        if (PathOf(eventId) is not { } path)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(_folder!);
            var temp = path + ".tmp";
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(log, ChangeLogJsonContext.Default.EventLog));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogUnwritable(path, ex.Message);
        }
    }

    private string? PathOf(string eventId) => _folder is null ? null : Path.Combine(_folder, eventId + ".json");

    internal sealed class EventLog
    {
        public long NextId { get; set; }

        /// <summary>Public view of the last stored version; null before the first.</summary>
        public Dictionary<string, SessionView>? Sessions { get; set; }

        public List<ChangeRecord> Changes { get; set; } = [];
    }

    /// <summary>A <see cref="ScheduleChange"/> as stored: instants as Unix seconds.</summary>
    internal sealed record ChangeRecord(
        long Id, string SessionId, string Kind, string Title, string? OldTitle,
        long? OldStart, long? OldEnd, string? OldRoom, long? NewStart, long? NewEnd, string? NewRoom,
        string? OldSpeakers, string? NewSpeakers, long DetectedAt)
    {
        public static ChangeRecord From(ScheduleChange c) => new(
            c.Id, c.SessionId, ScheduleChange.NameOf(c.Kind), c.Title, c.OldTitle,
            c.OldStart?.ToUnixTimeSeconds(), c.OldEnd?.ToUnixTimeSeconds(), c.OldRoom,
            c.NewStart?.ToUnixTimeSeconds(), c.NewEnd?.ToUnixTimeSeconds(), c.NewRoom,
            c.OldSpeakers, c.NewSpeakers, c.DetectedAt.ToUnixTimeSeconds());

        public ScheduleChange ToChange(string eventId) => new()
        {
            Id = Id,
            EventId = eventId,
            SessionId = SessionId,
            Kind = ScheduleChange.TryParseKind(Kind, out var kind) ? kind : ChangeKind.Moved,
            Title = Title,
            OldTitle = OldTitle,
            OldStart = At(OldStart),
            OldEnd = At(OldEnd),
            OldRoom = OldRoom,
            NewStart = At(NewStart),
            NewEnd = At(NewEnd),
            NewRoom = NewRoom,
            OldSpeakers = OldSpeakers,
            NewSpeakers = NewSpeakers,
            DetectedAt = Instant.FromUnixTimeSeconds(DetectedAt),
        };

        private static Instant? At(long? seconds) => seconds is { } s ? Instant.FromUnixTimeSeconds(s) : null;
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Change log {Path} is unreadable ({Reason}); starting it afresh")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "Cannot write change log {Path} ({Reason}); changes are kept in memory only")]
    private partial void LogUnwritable(string path, string reason);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FileChangeLog.EventLog))]
internal sealed partial class ChangeLogJsonContext : JsonSerializerContext;
