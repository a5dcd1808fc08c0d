using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Agenda;

/// <summary>
/// A personal agenda as a URL segment, with no account: the chosen session ids, packed,
/// followed by a truncated HMAC-SHA256 over the event id and the payload, all base64url.
/// Only the server can mint codes; a changed, forged, truncated or other event's code fails
/// verification. The code names sessions, it does not hold them: a session removed later
/// simply matches nothing.
/// </summary>
/// <remarks>
/// Layout: version byte, payload, 16-byte tag (128 bits, the floor NIST SP 800-107 sets for
/// truncated HMAC tags used as authenticators).
/// Version 1: ids as (varint length, UTF-8 bytes)*. Version 2, chosen when every id is a
/// canonical decimal number (the common case for imported schedules): sorted, delta-encoded
/// varints, a few bytes per session. Version 3, chosen when every id is a canonical
/// lower-case GUID (frab and pretalx exports: FOSDEM's 883 sessions), 16 bytes per session.
/// Whatever the ids, the page never builds a code longer than <see cref="MaxCodeLength"/>
/// (<see cref="CreateWithin"/>), so every code it hands out resolves.
/// </remarks>
internal sealed class AgendaCode(byte[] key)
{
    public const int TagLength = 16;

    /// <summary>Longest code accepted (characters); bounds the work done for hostile input.</summary>
    public const int MaxCodeLength = 4096;

    private const byte TextIds = 1;
    private const byte NumericIds = 2;
    private const byte GuidIds = 3;
    private const int GuidLength = 16;

    /// <summary>
    /// The code for as many of <paramref name="sessionIds"/> (in the given order) as fit in
    /// <see cref="MaxCodeLength"/>; <paramref name="used"/> says how many that is.
    /// </summary>
    public string CreateWithin(string eventId, IReadOnlyList<string> sessionIds, out int used)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        used = sessionIds.Count;
        var code = Create(eventId, sessionIds);
        if (code.Length <= MaxCodeLength)
        {
            return code;
        }

        // Binary search for the longest prefix that fits; the encodings grow monotonically.
        int low = 0, high = sessionIds.Count - 1;
        var best = Create(eventId, []);
        var bestCount = 0;
        while (low <= high)
        {
            var mid = (low + high + 1) / 2;
            var candidate = Create(eventId, sessionIds.Take(mid));
            if (candidate.Length <= MaxCodeLength)
            {
                best = candidate;
                bestCount = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        used = bestCount;
        return best;
    }

    public string Create(string eventId, IEnumerable<string> sessionIds)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(sessionIds);
        var ids = sessionIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var payload = new MemoryStream();
        if (ids.Count > 0 && ids.All(IsCanonicalGuid))
        {
            payload.WriteByte(GuidIds);
            Span<byte> bytes = stackalloc byte[GuidLength];
            foreach (var id in ids)
            {
                Guid.ParseExact(id, "D").TryWriteBytes(bytes, bigEndian: true, out _);
                payload.Write(bytes);
            }
        }
        else if (ids.Count > 0 && ids.All(IsCanonicalNumber))
        {
            payload.WriteByte(NumericIds);
            ulong previous = 0;
            foreach (var value in ids.Select(id => ulong.Parse(id, CultureInfo.InvariantCulture)).Order())
            {
                WriteVarint(payload, value - previous);
                previous = value;
            }
        }
        else
        {
            payload.WriteByte(TextIds);
            foreach (var id in ids)
            {
                var bytes = Encoding.UTF8.GetBytes(id);
                WriteVarint(payload, (ulong)bytes.Length);
                payload.Write(bytes);
            }
        }

        var body = payload.ToArray();
        var code = new byte[body.Length + TagLength];
        body.CopyTo(code, 0);
        Tag(eventId, body).AsSpan(0, TagLength).CopyTo(code.AsSpan(body.Length));
        return Base64Url.EncodeToString(code);
    }

    /// <summary>The session ids, or null when the code is not one this server made for this event.</summary>
    public IReadOnlyList<string>? TryRead(string eventId, string? code)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        if (string.IsNullOrEmpty(code) || code.Length > MaxCodeLength || !Base64Url.IsValid(code))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(code);
        }
        catch (FormatException)
        {
            return null;
        }

        // Only the canonical spelling is valid, so one agenda has exactly one URL (and one cache entry).
        if (bytes.Length < 1 + TagLength || !string.Equals(Base64Url.EncodeToString(bytes), code, StringComparison.Ordinal))
        {
            return null;
        }

        var body = bytes.AsSpan(0, bytes.Length - TagLength);
        var expected = Tag(eventId, body.ToArray());
        if (!CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, TagLength), bytes.AsSpan(bytes.Length - TagLength)))
        {
            return null;
        }

        return Parse(body);
    }

    private static List<string>? Parse(ReadOnlySpan<byte> body)
    {
        var ids = new List<string>();
        var rest = body[1..];
        switch (body[0])
        {
            case NumericIds:
                ulong value = 0;
                while (!rest.IsEmpty)
                {
                    if (!TryReadVarint(ref rest, out var delta))
                    {
                        return null;
                    }

                    value += delta;
                    ids.Add(value.ToString(CultureInfo.InvariantCulture));
                }

                return ids;
            case TextIds:
                while (!rest.IsEmpty)
                {
                    if (!TryReadVarint(ref rest, out var length) || length > (ulong)rest.Length)
                    {
                        return null;
                    }

                    ids.Add(Encoding.UTF8.GetString(rest[..(int)length]));
                    rest = rest[(int)length..];
                }

                return ids;
            case GuidIds:
                if (rest.Length % GuidLength != 0)
                {
                    return null;
                }

                for (; !rest.IsEmpty; rest = rest[GuidLength..])
                {
                    ids.Add(new Guid(rest[..GuidLength], bigEndian: true).ToString("D"));
                }

                return ids;
            default:
                return null;
        }
    }

    private byte[] Tag(string eventId, byte[] body)
    {
        // The event id is authenticated but not carried: a code is only valid for its event.
        var eventBytes = Encoding.UTF8.GetBytes(eventId);
        var message = new byte[8 + eventBytes.Length + 1 + body.Length];
        "agenda\0\0"u8.CopyTo(message);
        eventBytes.CopyTo(message, 8);
        body.CopyTo(message, 8 + eventBytes.Length + 1);
        return HMACSHA256.HashData(key, message);
    }

    private static bool IsCanonicalGuid(string id) =>
        id.Length == 36 && Guid.TryParseExact(id, "D", out var guid) && string.Equals(guid.ToString("D"), id, StringComparison.Ordinal);

    private static bool IsCanonicalNumber(string id) =>
        id.Length is > 0 and <= 19 && id.All(char.IsAsciiDigit) && (id.Length == 1 || id[0] != '0');

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> input, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && !input.IsEmpty; shift += 7)
        {
            var b = input[0];
            input = input[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
