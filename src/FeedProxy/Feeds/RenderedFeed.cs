using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NodaTime;

namespace FeedProxy.Feeds;

/// <summary>Content codings a feed is stored in (compressed once at render time, never per request).</summary>
internal enum ContentCoding
{
    Identity = 0,
    Gzip = 1,
    Brotli = 2,
}

/// <summary>
/// One rendered representation with its precompressed variants. Packs into a single byte
/// array for the byte-oriented cache stores and unpacks without copying.
/// </summary>
internal sealed class RenderedFeed
{
    private const int Magic = 0x46505231; // "FPR1"
    private const int HeaderSize = 4 + 8 + 4 * 3 + 1 + 32;

    public RenderedFeed(ReadOnlyMemory<byte> identity, ReadOnlyMemory<byte> gzip, ReadOnlyMemory<byte> brotli, string hash, Instant lastModified, bool codingsPending = false,
        IReadOnlyList<FeedProxy.Formats.ICalendar.EventSpan>? events = null)
    {
        Events = events;
        Identity = identity;
        Gzip = gzip;
        Brotli = brotli;
        Hash = hash;
        LastModified = lastModified;
        CodingsPending = codingsPending;
    }

    /// <summary>
    /// True for a feed just rendered whose compressed codings are still being made off the
    /// request path. Such a feed answers requests but is never cached or packed.
    /// </summary>
    public bool CodingsPending { get; }

    public ReadOnlyMemory<byte> Identity { get; }

    /// <summary>
    /// Where each VEVENT of an iCalendar feed lies in <see cref="Identity"/>, noted while it was
    /// written: only on the render itself (never packed), so the CalDAV index built from this
    /// very feed needs no scan of it. Null for other formats and for feeds read from the cache.
    /// </summary>
    public IReadOnlyList<FeedProxy.Formats.ICalendar.EventSpan>? Events { get; }

    /// <summary>Empty when compression would not pay (tiny bodies).</summary>
    public ReadOnlyMemory<byte> Gzip { get; }

    public ReadOnlyMemory<byte> Brotli { get; }

    /// <summary>Hash of the identity bytes; the opaque part of every ETag of this representation.</summary>
    public string Hash { get; }

    /// <summary>Latest change of anything in the feed, whole seconds.</summary>
    public Instant LastModified { get; }

    /// <summary>The same bytes with another Last-Modified (whole seconds).</summary>
    public RenderedFeed WithLastModified(Instant lastModified) =>
        new(Identity, Gzip, Brotli, Hash, Instant.FromUnixTimeSeconds(lastModified.ToUnixTimeSeconds()), CodingsPending, Events);

    public ReadOnlyMemory<byte> Body(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => Gzip,
        ContentCoding.Brotli => Brotli,
        _ => Identity,
    };

    public bool Has(ContentCoding coding) => coding == ContentCoding.Identity || !Body(coding).IsEmpty;

    /// <summary>
    /// Strong entity tag per coding (RFC 9110 §8.8.3): the bytes differ, so the tags must too.
    /// </summary>
    public string ETag(ContentCoding coding) => coding switch
    {
        ContentCoding.Gzip => $"\"{Hash}-gz\"",
        ContentCoding.Brotli => $"\"{Hash}-br\"",
        _ => $"\"{Hash}\"",
    };

    public byte[] Pack()
    {
        if (CodingsPending)
        {
            throw new InvalidOperationException("A feed is cached only with all its codings.");
        }

        var hash = System.Text.Encoding.ASCII.GetBytes(Hash);
        var packed = new byte[HeaderSize + Identity.Length + Gzip.Length + Brotli.Length];
        var span = packed.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], LastModified.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], Identity.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], Gzip.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], Brotli.Length);
        span[24] = (byte)hash.Length;
        hash.CopyTo(span[25..]);
        var offset = HeaderSize;
        Identity.Span.CopyTo(span[offset..]);
        offset += Identity.Length;
        Gzip.Span.CopyTo(span[offset..]);
        offset += Gzip.Length;
        Brotli.Span.CopyTo(span[offset..]);
        return packed;
    }

    // The in-process cache hands out the same array on every hit, so each cached feed is
    // unpacked once rather than on every hit it answers (an unpack allocated a RenderedFeed and
    // its hash string per hit; docs/benchmarks.md, "Allocation per request"). An entry lives as
    // long as its array; cached arrays are never written to.
    private static readonly ConditionalWeakTable<byte[], RenderedFeed> Unpacked = new();

    /// <summary>
    /// Null when the bytes are not a packed feed (e.g. written by another version). The same
    /// array gives the same instance: callers must not change an array after packing it.
    /// </summary>
    public static RenderedFeed? Unpack(byte[] packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        if (Unpacked.TryGetValue(packed, out var known))
        {
            return known;
        }

        var feed = Read(packed);
        if (feed is not null)
        {
            Unpacked.TryAdd(packed, feed);
        }

        return feed;
    }

    private static RenderedFeed? Read(byte[] packed)
    {
        var span = packed.AsSpan();
        if (packed.Length < HeaderSize || BinaryPrimitives.ReadInt32LittleEndian(span) != Magic)
        {
            return null;
        }

        var lastModified = Instant.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(span[4..]));
        var identity = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        var gzip = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        var brotli = BinaryPrimitives.ReadInt32LittleEndian(span[20..]);
        int hashLength = span[24];
        if (hashLength > 32 || identity < 0 || gzip < 0 || brotli < 0
            || (long)HeaderSize + identity + gzip + brotli != packed.Length)
        {
            return null;
        }

        var hash = System.Text.Encoding.ASCII.GetString(span.Slice(25, hashLength));
        var memory = packed.AsMemory();
        return new RenderedFeed(
            memory.Slice(HeaderSize, identity),
            memory.Slice(HeaderSize + identity, gzip),
            memory.Slice(HeaderSize + identity + gzip, brotli),
            hash,
            lastModified);
    }
}
