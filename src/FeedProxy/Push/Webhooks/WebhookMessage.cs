using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FeedProxy.Formats.Changes;
using NodaTime;
using NodaTime.Text;

namespace FeedProxy.Push.Webhooks;

/// <summary>
/// The body of one webhook message: one change item as the change feeds list it, as
/// <c>{"type": "session.moved", "timestamp": …, "data": {"event", "collection", "session", "previous"}}</c>.
/// Only public data (the change log holds nothing else).
/// </summary>
internal static class WebhookMessage
{
    /// <summary>"session.added", "session.cancelled", "session.moved", "session.retitled", "session.speakers_changed".</summary>
    public static string TypeOf(ChangeKind kind) => kind switch
    {
        ChangeKind.Speakers => "session.speakers_changed",
        _ => "session." + ScheduleChange.NameOf(kind),
    };

    /// <summary>
    /// The webhook-id: the same for every attempt and on every instance (derived from the
    /// webhook and the change), so receivers can de-duplicate.
    /// </summary>
    public static string MessageId(string webhookId, string dedupKey) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId + "\u001f" + dedupKey)).AsSpan(0, 16));

    public static string Body(ScheduleChange change, string? collectionId, string uidDomain, string? sessionUrl)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", TypeOf(change.Kind));
            json.WriteString("timestamp", InstantPattern.ExtendedIso.Format(change.DetectedAt));
            json.WriteStartObject("data");
            json.WriteString("event", change.EventId);
            if (collectionId is null)
            {
                json.WriteNull("collection");
            }
            else
            {
                json.WriteString("collection", collectionId);
            }

            json.WriteStartObject("session");
            json.WriteString("uid", $"{change.SessionId}-{change.EventId}@{uidDomain}");
            json.WriteString("id", change.SessionId);
            json.WriteString("title", change.Title);
            var cancelled = change.Kind == ChangeKind.Cancelled;
            Time(json, "start", cancelled ? change.OldStart : change.NewStart);
            Time(json, "end", cancelled ? change.OldEnd : change.NewEnd);
            Text(json, "room", cancelled ? change.OldRoom : change.NewRoom);
            if (change.Kind == ChangeKind.Speakers)
            {
                Text(json, "speakers", change.NewSpeakers);
            }

            Text(json, "url", sessionUrl);
            json.WriteEndObject();
            json.WriteStartObject("previous");
            switch (change.Kind)
            {
                case ChangeKind.Moved:
                    Time(json, "start", change.OldStart);
                    Time(json, "end", change.OldEnd);
                    Text(json, "room", change.OldRoom);
                    break;
                case ChangeKind.Retitled:
                    Text(json, "title", change.OldTitle);
                    break;
                case ChangeKind.Speakers:
                    Text(json, "speakers", change.OldSpeakers);
                    break;
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Time(Utf8JsonWriter json, string name, Instant? value)
    {
        if (value is { } at)
        {
            json.WriteString(name, InstantPattern.ExtendedIso.Format(at));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
