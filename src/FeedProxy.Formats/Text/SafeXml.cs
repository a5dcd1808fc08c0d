using System.Xml;

namespace FeedProxy.Formats.Text;

/// <summary>
/// Reader settings for XML that comes from outside (imports, CalDAV request bodies): no
/// document type declaration (so no entity expansion or external entity, the XXE family), no
/// resolver, comments and processing instructions skipped. Depth and element-count limits are
/// each reader's own, checked in a streaming pass before any tree is built.
/// </summary>
public static class SafeXml
{
    /// <param name="maxCharacters">Bound of the document's characters, or 0 for none beyond the caller's own size check.</param>
    public static XmlReaderSettings ReaderSettings(bool closeInput = false, bool ignoreWhitespace = false, long maxCharacters = 0) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = ignoreWhitespace,
        MaxCharactersInDocument = maxCharacters,
        CloseInput = closeInput,
    };
}
