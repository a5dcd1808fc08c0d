using System.Buffers;
using System.Text;
using System.Xml;
using FeedProxy.Formats.Text;

namespace FeedProxy.Formats.Syndication;

/// <summary>Namespaces and the one XmlWriter configuration every feed writer uses.</summary>
internal static class SyndicationXml
{
    public const string AtomNamespace = "http://www.w3.org/2005/Atom";

    /// <summary>The RSS 1.0 event module, also understood in RSS 2.0 and Atom as foreign markup.</summary>
    public const string EventNamespace = "http://purl.org/rss/1.0/modules/event/";

    public const string DublinCoreNamespace = "http://purl.org/dc/elements/1.1/";

    public const string Generator = "FeedProxy";

    // UTF-8 without BOM; "\n" explicitly so output does not depend on the host OS.
    // CheckCharacters: a control character that slipped past the sanitiser must fail
    // loudly here rather than produce a feed every reader rejects (XML 1.0 §2.2).
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        NewLineHandling = NewLineHandling.Replace,
        CheckCharacters = true,
        CloseOutput = false,
    };

    public static XmlWriter Create(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return XmlWriter.Create(new BufferWriterStream(output), Settings);
    }

    /// <summary>Declares <c>xmlns:prefix</c> on the current element.</summary>
    public static void DeclareNamespace(this XmlWriter xml, string prefix, string ns) =>
        xml.WriteAttributeString("xmlns", prefix, null, ns);
}
