using FeedProxy.Formats.Model;
using FeedProxy.Formats.Json;

namespace FeedProxy.Private;

/// <summary>
/// Checks and rotates the secret URL tokens of private events. <see cref="RotateAsync"/> is
/// the operation behind the admin API (POST /admin/events/{id}/token) and the
/// "rotate-token" command.
/// </summary>
internal sealed class PrivateAccess(IAccessTokenStore store)
{
    /// <summary>True when the token is the event's current one. Reads the store every time, so a rotation anywhere applies at once.</summary>
    public async ValueTask<bool> IsValidAsync(string eventId, string? token, CancellationToken cancellationToken)
    {
        if (!AccessTokens.LooksValid(token) || !ScheduleId.IsValid(eventId))
        {
            return false;
        }

        var stored = await store.GetAsync(eventId, cancellationToken);
        return AccessTokens.Matches(token!, stored);
    }

    /// <summary>Gives the event a new token; the previous URL answers 404 from now on. Returns the new token.</summary>
    public ValueTask<string> RotateAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!ScheduleId.IsValid(eventId))
        {
            throw new ArgumentException("Not a valid event id.", nameof(eventId));
        }

        return store.RotateAsync(eventId, cancellationToken);
    }

    /// <summary>The private page path ("private/{token}/events/{id}"), relative to the base URL; append ".ics" etc. for feeds.</summary>
    public static string PathFor(string eventId, string token) =>
        $"private/{token}/events/{Uri.EscapeDataString(eventId)}";
}
