namespace FeedProxy.Changes;

/// <summary>Change feeds (FeedProxy:Changes).</summary>
public sealed class ChangeOptions
{
    public const string Section = "FeedProxy:Changes";

    /// <summary>Days a detected change is kept and shown (FeedProxy__Changes__RetentionDays).</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Most items one change feed shows (the newest).</summary>
    public int MaxItems { get; set; } = 200;
}
