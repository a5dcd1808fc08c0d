using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Import;

/// <summary>The importers we ship, and format detection by content type plus the first bytes.</summary>
public static class ScheduleImporters
{
    /// <summary>How many leading bytes detection looks at.</summary>
    public const int HeadLength = 4096;

    /// <summary>Inputs above this size are refused rather than buffered (the largest real schedules are a few MB).</summary>
    public const long MaxInputLength = 64L * 1024 * 1024;

    /// <summary>In detection order: schedule JSON is tried before Open Event JSON, whose sniffing is looser.</summary>
    public static IReadOnlyList<IScheduleImporter> All { get; } =
    [
        new FrabXmlImporter(),
        new ScheduleJsonImporter(),
        new OpenEventImporter(),
    ];

    /// <summary>The first importer that recognises the input, or null.</summary>
    public static IScheduleImporter? Detect(string? contentType, ReadOnlySpan<byte> head)
    {
        foreach (var importer in All)
        {
            if (importer.CanRead(contentType, head))
            {
                return importer;
            }
        }

        return null;
    }

    /// <summary>
    /// Detects the format and imports. A seekable input (a file, an upload spooled to disk) is
    /// read in place: only its head is looked at before the importer starts from the beginning.
    /// Other inputs are buffered (up to <see cref="MaxInputLength"/>) so detection can look ahead.
    /// </summary>
    /// <exception cref="ImportException">Unknown format, malformed input, or no usable time zone.</exception>
    public static Event Import(Stream input, string? contentType, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        if (input.CanSeek)
        {
            var start = input.Position;
            if (input.Length - start > MaxInputLength)
            {
                throw TooLarge();
            }

            var head = new byte[HeadLength];
            var length = input.ReadAtLeast(head, HeadLength, throwOnEndOfStream: false);
            input.Position = start;
            return Choose(contentType, head.AsSpan(0, length)).Import(input, options);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxInputLength)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var importer = Choose(contentType, bytes[..Math.Min(bytes.Length, HeadLength)]);
        buffer.Position = 0;
        return importer.Import(buffer, options);
    }

    private static IScheduleImporter Choose(string? contentType, ReadOnlySpan<byte> head) =>
        Detect(contentType, head)
            ?? throw new ImportException(
                $"Unknown schedule format (content type '{contentType ?? "none"}'): expected frab/pentabarf schedule XML, " +
                "frab/pretalx/c3voc schedule JSON, or an Open Event export (JSON or zip).");

    private static ImportException TooLarge() =>
        new($"The schedule is larger than {MaxInputLength / (1024 * 1024)} MB.");
}
