namespace FeedProxy.Formats.Model;

/// <summary>
/// Lifecycle of a session, the union of the states the schedule systems we read use
/// (Open Event Server's model and API, frab, pretalx).
/// </summary>
public enum SessionState
{
    Draft,
    Pending,
    Accepted,
    Confirmed,
    Rejected,
    Withdrawn,
    Cancelled,
}

public static class SessionStateExtensions
{
    /// <summary>Accepted and confirmed sessions are the public schedule.</summary>
    public static bool IsPublic(this SessionState state) =>
        state is SessionState.Accepted or SessionState.Confirmed;

    /// <summary>
    /// Parses the state names used by the systems we import from, case-insensitively,
    /// accepting both spellings of "cancelled".
    /// </summary>
    public static bool TryParse(string? value, out SessionState state)
    {
        state = SessionState.Confirmed;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        switch (value.Trim().ToUpperInvariant())
        {
            case "DRAFT": state = SessionState.Draft; return true;
            case "PENDING" or "SUBMITTED": state = SessionState.Pending; return true;
            case "ACCEPTED": state = SessionState.Accepted; return true;
            case "CONFIRMED" or "SCHEDULED": state = SessionState.Confirmed; return true;
            case "REJECTED": state = SessionState.Rejected; return true;
            case "WITHDRAWN": state = SessionState.Withdrawn; return true;
            case "CANCELLED" or "CANCELED": state = SessionState.Cancelled; return true;
            default: return false;
        }
    }

    public static string ToWireName(this SessionState state) => state switch
    {
        SessionState.Draft => "draft",
        SessionState.Pending => "pending",
        SessionState.Accepted => "accepted",
        SessionState.Confirmed => "confirmed",
        SessionState.Rejected => "rejected",
        SessionState.Withdrawn => "withdrawn",
        SessionState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
