namespace FeedProxy.Caching;

/// <summary>
/// What one <see cref="MemoryFeedCacheStore"/> entry really occupies on the 64-bit managed
/// heap, so that the byte budget bounds memory rather than payload: under a flood of distinct
/// URLs the small entries (404 markers of 4 bytes, first-seen times of 8, stale-if-error
/// pointers that are a key's length) cost far more in headers, keys and bookkeeping than in
/// value bytes. Sizes follow the CoreCLR object layout: a 16-byte header (sync block and method
/// table), arrays add an 8-byte length, strings a 4-byte length, UTF-16 characters and a
/// terminator, everything rounded up to 8 bytes. A test compares the sum with the allocations
/// measured around inserts.
/// </summary>
internal static class EntrySize
{
    private const long ObjectHeader = 16;

    // The store's own objects per entry: the Entry record (header, three references, a
    // DateTimeOffset padded to 16 bytes, the cost) and its LinkedListNode (header, list, next,
    // previous, value).
    private const long EntryObject = ObjectHeader + (3 * 8) + 16 + 8;
    private const long ListNode = ObjectHeader + (4 * 8);

    // Dictionary<string, node> slot (hash, next, key, value) plus its bucket, and a
    // HashSet<string> slot (hash, next, value) plus bucket per tag, each doubled: both grow by
    // doubling and never shrink, so after a burst up to half their capacity stands empty.
    private const long EntrySlot = 2 * (24 + 4);
    private const long TagSlot = 2 * (16 + 4);

    public static long Of(string key, byte[] value, string[] tags)
    {
        var size = EntryObject + ListNode + EntrySlot + String(key.Length) + ByteArray(value.LongLength) + ReferenceArray(tags.Length);
        foreach (var tag in tags)
        {
            // The entry keeps its own copy of the tags array; the tag strings are the callers'
            // (a new string per call in the feed services), so each entry pays for its own.
            size += String(tag.Length) + TagSlot;
        }

        return size;
    }

    public static long String(int length) => Align(ObjectHeader + 4 + (2L * (length + 1)));

    public static long ByteArray(long length) => Align(ObjectHeader + 8 + length);

    private static long ReferenceArray(int length) => Align(ObjectHeader + 8 + (8L * length));

    private static long Align(long size) => (size + 7) & ~7L;
}
