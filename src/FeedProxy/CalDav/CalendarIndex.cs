using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FeedProxy.Formats.ICalendar;
using NodaTime;

namespace FeedProxy.CalDav;

/// <summary>One calendar object resource as served: its name in the calendar, strong ETag and bytes.</summary>
internal sealed record CalendarEntry(string Name, string ETag, ReadOnlyMemory<byte> Data);

/// <summary>
/// A calendar's objects at one render of its feed, with everything PROPFIND and the REPORTs
/// need, packed for the feed cache: the objects (sorted by name), the calendar's describing
/// properties and its sync token. The token is the hash of the manifest (every name with its
/// ETag), so equal contents give equal tokens on every instance, and a token names exactly
/// one manifest, which <see cref="ISyncHistory"/> keeps for later deltas.
/// Every request for the calendar unpacks it from the cache, so unpacking does no work that
/// grows with the objects beyond locating them: the token and manifest are stored, and an
/// object's name and ETag become strings only when something reads them
/// (<see cref="PackedCalendarEntries"/>).
/// </summary>
internal sealed class CalendarIndex
{
    // "FPCY": carries the token and the manifest ("FPCX", without them, is no longer read: a miss).
    private const uint Magic = 0x46504359;

    public CalendarIndex(IReadOnlyList<CalendarEntry> entries, IReadOnlyDictionary<string, string> properties, ReadOnlyMemory<byte> timeZone, Instant lastModified)
    {
        Entries = entries;
        Properties = properties;
        TimeZone = timeZone;
        LastModified = lastModified;
        var manifest = BuildManifest(entries);
        Manifest = manifest;
        Token = Convert.ToHexStringLower(SHA256.HashData(manifest).AsSpan(0, 16));
    }

    private CalendarIndex(IReadOnlyList<CalendarEntry> entries, IReadOnlyDictionary<string, string> properties, ReadOnlyMemory<byte> timeZone, Instant lastModified, string token, ReadOnlyMemory<byte> manifest)
    {
        Entries = entries;
        Properties = properties;
        TimeZone = timeZone;
        LastModified = lastModified;
        Token = token;
        Manifest = manifest;
    }

    public IReadOnlyList<CalendarEntry> Entries { get; }

    /// <summary>Calendar-level properties of the feed (NAME, X-WR-CALDESC, X-WR-TIMEZONE…).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The calendar's own VTIMEZONE as a VCALENDAR (calendar-timezone), empty when UTC.</summary>
    public ReadOnlyMemory<byte> TimeZone { get; }

    public Instant LastModified { get; }

    /// <summary>"name etag" lines, sorted by name (line i is <see cref="Entries"/>[i]): what a sync token stands for.</summary>
    public ReadOnlyMemory<byte> Manifest { get; }

    /// <summary>Hash of <see cref="Manifest"/>: the sync token's and getctag's value.</summary>
    public string Token { get; }

    /// <summary>The object of that name: a binary search, as entries are sorted by ordinal name.</summary>
    public CalendarEntry? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var (low, high) = (0, Entries.Count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var entry = Entries[middle];
            var order = string.CompareOrdinal(entry.Name, name);
            if (order == 0)
            {
                return entry;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }

    /// <summary>
    /// Splits a rendered iCalendar feed into its objects (names from their UIDs, see <see cref="NameFor"/>).
    /// The index is built packed: each object is written once, straight from the feed into the
    /// exactly sized packed value, and hashed there, so neither a copy per object nor a second
    /// copy of the whole (a few MB for 1,000 objects) is made; <see cref="Pack"/> returns that value.
    /// </summary>
    /// <param name="events">
    /// Where the feed's VEVENTs lie, noted by the writer that wrote exactly these bytes
    /// (<see cref="ICalendarWriter.WriteRecording"/>): the split then reads only the calendar's
    /// header and each UID line. Null splits by reading the whole feed (a feed from the cache).
    /// </param>
    public static CalendarIndex FromFeed(ReadOnlySpan<byte> feed, Instant lastModified, IReadOnlyList<EventSpan>? events = null)
    {
        var layout = events is null ? CalendarObjectSplitter.Plan(feed) : CalendarObjectSplitter.Plan(feed, events);
        var objects = new List<(string Name, CalendarObjectLayout Layout)>(layout.Objects.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in layout.Objects)
        {
            var name = NameFor(item.Uid);
            if (names.Add(name))
            {
                objects.Add((name, item));
            }
        }

        objects.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var properties = layout.Properties;
        var zone = properties.TryGetValue("X-WR-TIMEZONE", out var zoneId) && layout.TimeZones.TryGetValue(zoneId, out var bytes) ? bytes : default;

        // Every ETag and the token have a fixed length, so the whole layout is known before any hash.
        var manifestLength = objects.Sum(o => Encoding.UTF8.GetByteCount(o.Name) + 1 + ETagLength + 1);
        var head = 4 + 8 + 4 + properties.Sum(p => StringSize(p.Key) + StringSize(p.Value)) + 4 + zone.Length;
        var manifestAt = head + 4 + TokenLength + 4;
        var entriesAt = manifestAt + manifestLength + 4;
        var packed = new byte[entriesAt + objects.Sum(o => 4 + Encoding.UTF8.GetByteCount(o.Name) + 4 + ETagLength + 4 + o.Layout.Length)];

        var position = 0;
        Put(packed, ref position, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(packed.AsSpan(position), lastModified.ToUnixTimeTicks());
        position += 8;
        Put(packed, ref position, (uint)properties.Count);
        foreach (var (name, value) in properties)
        {
            Put(packed, ref position, name);
            Put(packed, ref position, value);
        }

        Put(packed, ref position, zone.Span);
        var manifest = packed.AsSpan(manifestAt, manifestLength);
        var (line, entry) = (0, entriesAt - 4);
        Put(packed, ref entry, (uint)objects.Count);
        Span<byte> hash = stackalloc byte[32];
        foreach (var (name, item) in objects)
        {
            Put(packed, ref entry, name);
            var etagAt = entry;
            entry += 4 + ETagLength;
            BinaryPrimitives.WriteUInt32LittleEndian(packed.AsSpan(entry), (uint)item.Length);
            var data = packed.AsSpan(entry + 4, item.Length);
            item.CopyTo(feed, data);
            entry += 4 + item.Length;
            SHA256.HashData(data, hash);
            var etag = packed.AsSpan(etagAt + 4, ETagLength);
            BinaryPrimitives.WriteUInt32LittleEndian(packed.AsSpan(etagAt), ETagLength);
            WriteETag(hash[..16], etag);
            line += Encoding.UTF8.GetBytes(name, manifest[line..]);
            manifest[line++] = (byte)' ';
            etag.CopyTo(manifest[line..]);
            line += ETagLength;
            manifest[line++] = (byte)'\n';
        }

        SHA256.HashData(manifest, hash);
        Put(packed, ref position, Convert.ToHexStringLower(hash[..16]));
        Put(packed, ref position, (uint)manifestLength);
        return Unpack(packed) is { } index ? index.WithPacked(packed) : throw new InvalidOperationException("The packed index does not read back.");
    }

    private const int ETagLength = 24;

    private const int TokenLength = 32;

    private byte[]? _packed;

    private CalendarIndex WithPacked(byte[] packed)
    {
        _packed = packed;
        return this;
    }

    // The ETag's text, as ETagOf writes it: a quoted, unpadded base64url of 16 hash bytes.
    private static void WriteETag(ReadOnlySpan<byte> hash, Span<byte> destination)
    {
        destination[0] = (byte)'"';
        System.Buffers.Text.Base64Url.EncodeToUtf8(hash, destination[1..]);
        destination[ETagLength - 1] = (byte)'"';
    }

    private static void Put(byte[] packed, ref int position, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(packed.AsSpan(position), value);
        position += 4;
    }

    private static void Put(byte[] packed, ref int position, ReadOnlySpan<byte> bytes)
    {
        Put(packed, ref position, (uint)bytes.Length);
        bytes.CopyTo(packed.AsSpan(position));
        position += bytes.Length;
    }

    private static void Put(byte[] packed, ref int position, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, packed.AsSpan(position + 4));
        Put(packed, ref position, (uint)length);
        position += length;
    }

    /// <summary>
    /// The resource name of a UID: its local part ("{session}-{event}" for UIDs this server
    /// writes) plus ".ics", so names are stable for as long as UIDs are and readable in logs.
    /// Anything unusual in it is escaped in hrefs, never here.
    /// </summary>
    public static string NameFor(string uid)
    {
        var at = uid.LastIndexOf('@');
        var local = at > 0 ? uid[..at] : uid;
        var safe = new StringBuilder(local.Length + 4);
        foreach (var c in local)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return safe.Append(".ics").ToString();
    }

    /// <summary>Strong ETag of an object: a hash of exactly its bytes (RFC 9110 §8.8.3).</summary>
    public static string ETagOf(ReadOnlySpan<byte> data) =>
        "\"" + Convert.ToBase64String(SHA256.HashData(data).AsSpan(0, 16)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";

    private static byte[] BuildManifest(IReadOnlyList<CalendarEntry> entries)
    {
        var text = new StringBuilder(entries.Count * 48);
        foreach (var entry in entries)
        {
            text.Append(entry.Name).Append(' ').Append(entry.ETag).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public byte[] Pack()
    {
        if (_packed is not null)
        {
            return _packed;
        }

        // Sized exactly, so the buffer is the packed value itself: a 1,000-object index is a
        // few MB, and neither a doubling nor a final copy of it is paid on every render.
        var size = 4 + 8 + 4 + Properties.Sum(p => StringSize(p.Key) + StringSize(p.Value)) + 4 + TimeZone.Length
            + StringSize(Token) + 4 + Manifest.Length + 4 + Entries.Sum(e => StringSize(e.Name) + StringSize(e.ETag) + 4 + e.Data.Length);
        var output = new ArrayBufferWriter<byte>(size);
        WriteUInt(output, Magic);
        WriteLong(output, LastModified.ToUnixTimeTicks());
        WriteUInt(output, (uint)Properties.Count);
        foreach (var (name, value) in Properties)
        {
            WriteString(output, name);
            WriteString(output, value);
        }

        WriteBytes(output, TimeZone.Span);
        WriteString(output, Token);
        WriteBytes(output, Manifest.Span);
        WriteUInt(output, (uint)Entries.Count);
        foreach (var entry in Entries)
        {
            WriteString(output, entry.Name);
            WriteString(output, entry.ETag);
            WriteBytes(output, entry.Data.Span);
        }

        return System.Runtime.InteropServices.MemoryMarshal.TryGetArray(output.WrittenMemory, out var whole)
            && whole is { Offset: 0, Array: { } array } && array.Length == whole.Count
            ? array
            : output.WrittenSpan.ToArray();
    }

    private static int StringSize(string value) => 4 + Encoding.UTF8.GetByteCount(value);

    /// <summary>The packed index, or null when the bytes are not one (another entry kind, a truncated value).</summary>
    public static CalendarIndex? Unpack(ReadOnlyMemory<byte> packed)
    {
        try
        {
            var position = 0;
            if (ReadUInt(packed.Span, ref position) != Magic)
            {
                return null;
            }

            var lastModified = Instant.FromUnixTimeTicks(ReadLong(packed.Span, ref position));
            var count = ReadUInt(packed.Span, ref position);
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = ReadString(packed, ref position);
                properties[name] = ReadString(packed, ref position);
            }

            var zone = ReadBytes(packed, ref position);
            var token = ReadString(packed, ref position);
            var manifest = ReadBytes(packed, ref position);
            var entryCount = (int)ReadUInt(packed.Span, ref position);
            var entries = PackedCalendarEntries.Locate(packed, position, entryCount);
            return entries is null ? null : new CalendarIndex(entries, properties, zone, lastModified, token, manifest);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void WriteUInt(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteLong(ArrayBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteUInt(output, (uint)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt(output, (uint)length);
        output.Advance(Encoding.UTF8.GetBytes(value, output.GetSpan(length)));
    }

    internal static uint ReadUInt(ReadOnlySpan<byte> span, ref int position)
    {
        var value = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(position, 4));
        position += 4;
        return value;
    }

    private static long ReadLong(ReadOnlySpan<byte> span, ref int position)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(position, 8));
        position += 8;
        return value;
    }

    internal static ReadOnlyMemory<byte> ReadBytes(ReadOnlyMemory<byte> packed, ref int position)
    {
        var length = (int)ReadUInt(packed.Span, ref position);
        var bytes = packed.Slice(position, length);
        position += length;
        return bytes;
    }

    internal static string ReadString(ReadOnlyMemory<byte> packed, ref int position) => Encoding.UTF8.GetString(ReadBytes(packed, ref position).Span);
}
