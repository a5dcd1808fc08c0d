namespace FeedProxy.FastPath;

/// <summary>What a remembered feed URL serves: an event's feed or a collection's.</summary>
internal enum FeedKind
{
    Event,
    Collection,
}
