using System.Collections;

namespace FeedProxy.CalDav;

/// <summary>
/// The objects of a packed <see cref="CalendarIndex"/>, read in place: unpacking only notes
/// where each object starts (a few length prefixes per object), and an entry's name and ETag
/// become strings the first time it is read. A delta or a multiget reads a handful of the
/// thousand objects of a large calendar, a PROPFIND of the home none at all.
/// </summary>
internal sealed class PackedCalendarEntries : IReadOnlyList<CalendarEntry>
{
    private readonly ReadOnlyMemory<byte> _packed;
    private readonly int[] _starts;
    private readonly CalendarEntry?[] _read;

    private PackedCalendarEntries(ReadOnlyMemory<byte> packed, int[] starts)
    {
        _packed = packed;
        _starts = starts;
        _read = new CalendarEntry?[starts.Length];
    }

    /// <summary>The entries packed from <paramref name="position"/> on; null when the bytes end early (a truncated value).</summary>
    public static PackedCalendarEntries? Locate(ReadOnlyMemory<byte> packed, int position, int count)
    {
        if (count < 0 || count > packed.Length / 12)
        {
            return null;
        }

        var span = packed.Span;
        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            starts[i] = position;
            // Name, ETag and bytes, each behind its length.
            for (var field = 0; field < 3; field++)
            {
                var length = (int)CalendarIndex.ReadUInt(span, ref position);
                if (length < 0 || length > span.Length - position)
                {
                    return null;
                }

                position += length;
            }
        }

        return new PackedCalendarEntries(packed, starts);
    }

    public int Count => _starts.Length;

    public CalendarEntry this[int index] => _read[index] ??= Read(_starts[index]);

    public IEnumerator<CalendarEntry> GetEnumerator()
    {
        for (var i = 0; i < _starts.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private CalendarEntry Read(int position)
    {
        var name = CalendarIndex.ReadString(_packed, ref position);
        var etag = CalendarIndex.ReadString(_packed, ref position);
        return new CalendarEntry(name, etag, CalendarIndex.ReadBytes(_packed, ref position));
    }
}
