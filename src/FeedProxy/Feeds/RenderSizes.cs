using FeedProxy.Formats.Feeds;

namespace FeedProxy.Feeds;

/// <summary>
/// Learns how many bytes a session takes in each format from the renders so far, so the next
/// render's buffer can start at about its final size (<see cref="FeedRenderer.RenderIdentity"/>).
/// A guess only: too small and the buffer grows as before, too large and the surplus lives
/// until the feed is packed for the cache. Thread-safe (plain int reads and writes; a lost
/// update costs one less accurate guess).
/// </summary>
internal sealed class RenderSizes
{
    /// <summary>No first buffer beyond this; larger feeds grow from here.</summary>
    public const int MaxHint = 32 * 1024 * 1024;

    private const int Fixed = 8 * 1024;
    private readonly int[] _bytesPerSession = new int[Enum.GetValues<FeedFormat>().Length];

    /// <summary>Expected output length of a feed of <paramref name="sessions"/> sessions; 64 KiB before the first render of the format.</summary>
    public int Hint(FeedFormat format, int sessions)
    {
        var perSession = Volatile.Read(ref _bytesPerSession[Index(format)]);
        if (perSession == 0)
        {
            return 64 * 1024;
        }

        // An eighth more than the last ratio: sessions differ in length from event to event.
        var expected = Fixed + (long)sessions * (perSession + perSession / 8);
        return (int)Math.Min(expected, MaxHint);
    }

    /// <summary>Records an actual render.</summary>
    public void Observe(FeedFormat format, int sessions, int bytes)
    {
        if (sessions > 0 && bytes > Fixed)
        {
            Volatile.Write(ref _bytesPerSession[Index(format)], Math.Max(1, (bytes - Fixed) / sessions));
        }
    }

    private int Index(FeedFormat format) => Math.Clamp((int)format, 0, _bytesPerSession.Length - 1);
}
