using System.Text;

namespace FeedProxy.CalDav;

/// <summary>
/// The difference between two manifests ("name etag" lines sorted by name, see
/// <see cref="CalendarIndex.Manifest"/>), walked side by side on their bytes: names are ASCII
/// (<see cref="CalendarIndex.NameFor"/>), so byte order is the ordinal order they are sorted in.
/// Nothing is allocated for the objects that did not change, which in a delta is nearly all.
/// </summary>
internal static class ManifestDiff
{
    /// <param name="changed">Receives the line numbers in <paramref name="now"/> (= entry positions) of new objects and of objects whose ETag changed.</param>
    /// <param name="gone">Receives the names in <paramref name="before"/> that <paramref name="now"/> no longer has, in order.</param>
    public static void Compare(ReadOnlySpan<byte> before, ReadOnlySpan<byte> now, List<int> changed, List<string> gone)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(gone);
        var line = 0;
        var old = NextLine(ref before);
        var current = NextLine(ref now);
        while (!old.IsEmpty || !current.IsEmpty)
        {
            var order = old.IsEmpty ? 1 : current.IsEmpty ? -1 : Name(old).SequenceCompareTo(Name(current));
            if (order < 0)
            {
                gone.Add(Encoding.UTF8.GetString(Name(old)));
                old = NextLine(ref before);
                continue;
            }

            if (order > 0 || !old.SequenceEqual(current))
            {
                changed.Add(line);
            }

            if (order == 0)
            {
                old = NextLine(ref before);
            }

            current = NextLine(ref now);
            line++;
        }
    }

    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> rest)
    {
        // Blank lines are skipped, as the manifest has none.
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (!line.IsEmpty)
            {
                return line;
            }
        }

        return default;
    }

    private static ReadOnlySpan<byte> Name(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        return space < 0 ? line : line[..space];
    }
}
