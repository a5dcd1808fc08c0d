using FeedProxy.Formats.Model;

namespace FeedProxy.Formats.Import;

/// <summary>Reads one schedule file format into the model. Implementations are stateless and thread-safe.</summary>
public interface IScheduleImporter
{
    /// <summary>Short format name for logs and errors ("frab-xml").</summary>
    string Name { get; }

    /// <summary>
    /// True when <paramref name="head"/> (the first bytes of the input, at least a few hundred
    /// when the input is that long) looks like this format. <paramref name="contentType"/> may be
    /// null; a content type of another family (XML for a JSON reader) answers false.
    /// </summary>
    bool CanRead(string? contentType, ReadOnlySpan<byte> head);

    /// <exception cref="ImportException">The input is malformed, not this format, or states no usable time zone.</exception>
    Event Import(Stream input, ImportOptions options);
}
