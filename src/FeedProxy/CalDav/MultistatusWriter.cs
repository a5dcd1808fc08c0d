using System.Buffers;
using System.Text;
using System.Xml.Linq;

namespace FeedProxy.CalDav;

/// <summary>One response of a multistatus: a resource with the asked-for properties, or an href that names nothing (404).</summary>
internal readonly record struct DavMember(DavResource? Resource, IReadOnlyList<XName>? Names, bool NamesOnly, string? GoneHref)
{
    public static DavMember Of(DavResource resource, IReadOnlyList<XName>? names, bool namesOnly = false) => new(resource, names, namesOnly, null);

    /// <summary>A member that no longer exists (sync-collection, RFC 6578 §3.5.2) or an href that names nothing (multiget).</summary>
    public static DavMember Gone(string href) => new(null, null, false, href);
}

/// <summary>
/// Writes a 207 Multi-Status body (RFC 4918 §13) as UTF-8 straight into a buffer writer (the
/// response's PipeWriter), one response at a time, with no tree and no copy of the body: a full
/// sync of a 1,000-session calendar is the calendar's objects plus a little markup, so the
/// objects' bytes (the same bytes as in the .ics and behind GET) are escaped on their way out
/// rather than decoded into strings and encoded back. The output is what XmlWriter writes for
/// the same content: the four prefixes declared once on the root, empty elements as "&lt;x /&gt;",
/// text escaped for &amp;, &lt;, &gt; and CR (as &amp;#xD;, so a reader gets the CRLF line ends of
/// RFC 5545 §3.1 back). Live properties other than getetag and calendar-data come from
/// <see cref="DavProperties.Value"/> and are written from their small element trees.
/// </summary>
internal sealed class MultistatusWriter(IBufferWriter<byte> output)
{
    // At most what one block of Kestrel's memory pool holds, so asking never allocates.
    private const int ChunkBytes = 2048;

    // Character data (XML 1.0 §2.4): markup characters, CR (entitized as XmlWriter's
    // NewLineHandling.Entitize does) and the C0 controls XML cannot carry at all (§2.2), which the
    // iCalendar writer never emits (it drops them), so dropping them here changes nothing real.
    private static readonly SearchValues<byte> TextSpecialBytes = SearchValues.Create(
        "<>&\r\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    private static readonly SearchValues<char> TextSpecialChars = SearchValues.Create(
        "<>&\r\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private static readonly SearchValues<char> AttributeSpecialChars = SearchValues.Create("<>&\"\t\n\r");

    private Memory<byte> _buffer;
    private int _used;

    // Bytes handed to the output since the last CommitForFlush.
    private long _written;

    public void WriteStart()
    {
        Raw("<?xml version=\"1.0\" encoding=\"utf-8\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\" xmlns:cs=\"http://calendarserver.org/ns/\" xmlns:ical=\"http://apple.com/ns/ical/\">"u8);
    }

    /// <summary>Ends the body; <paramref name="syncToken"/> is the new token of a sync-collection answer (RFC 6578 §6.4).</summary>
    public void WriteEnd(string? syncToken)
    {
        if (syncToken is not null)
        {
            Raw("<d:sync-token>"u8);
            Text(syncToken);
            Raw("</d:sync-token>"u8);
        }

        Raw("</d:multistatus>"u8);
        Commit();
    }

    public void Write(in DavMember member)
    {
        if (member.Resource is not { } resource)
        {
            Raw("<d:response><d:href>"u8);
            Text(member.GoneHref!);
            Raw("</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>"u8);
            return;
        }

        WriteResponse(resource, member.Names ?? DavProperties.AllProp(resource), member.NamesOnly);
    }

    /// <summary>Bytes written since the last <see cref="CommitForFlush"/>: the caller flushes the pipe when they add up.</summary>
    public long Pending => _written + _used;

    /// <summary>Hands everything written to the output, ready for the caller to flush it.</summary>
    public void CommitForFlush()
    {
        Commit();
        _written = 0;
    }

    /// <summary>The href, found properties under 200, the others under 404 (RFC 4918 §9.1).</summary>
    private void WriteResponse(DavResource resource, IReadOnlyList<XName> names, bool namesOnly)
    {
        Raw("<d:response><d:href>"u8);
        Text(resource.Href);
        Raw("</d:href>"u8);
        // Values other than the object fast paths are built once, then written under 200 or 404.
        var values = new XElement?[names.Count];
        var found = 0;
        for (var i = 0; i < names.Count; i++)
        {
            if (IsObjectFastPath(resource, names[i]))
            {
                found++;
            }
            else if ((values[i] = DavProperties.Value(names[i], resource)) is not null)
            {
                found++;
            }
        }

        var missing = names.Count - found;
        if (found > 0 || missing == 0)
        {
            Raw(found == 0 ? "<d:propstat><d:prop />"u8 : "<d:propstat><d:prop>"u8);
            for (var i = 0; i < names.Count; i++)
            {
                if (namesOnly && (values[i] is not null || IsObjectFastPath(resource, names[i])))
                {
                    Element(new XElement(names[i]));
                }
                else if (values[i] is { } value)
                {
                    Element(value);
                }
                else if (IsObjectFastPath(resource, names[i]))
                {
                    ObjectValue(resource.Entry!, names[i]);
                }
            }

            Raw(found == 0 ? "<d:status>HTTP/1.1 200 OK</d:status></d:propstat>"u8 : "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"u8);
        }

        if (missing > 0)
        {
            Raw("<d:propstat><d:prop>"u8);
            for (var i = 0; i < names.Count; i++)
            {
                if (values[i] is null && !IsObjectFastPath(resource, names[i]))
                {
                    Element(new XElement(names[i]));
                }
            }

            Raw("</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>"u8);
        }

        Raw("</d:response>"u8);
    }

    private static bool IsObjectFastPath(DavResource resource, XName name) =>
        resource.Kind == DavResourceKind.Object && (name == DavNames.GetETag || name == DavNames.CalendarData);

    private void ObjectValue(CalendarEntry entry, XName name)
    {
        if (name == DavNames.GetETag)
        {
            Raw("<d:getetag>"u8);
            Text(entry.ETag);
            Raw("</d:getetag>"u8);
        }
        else
        {
            // RFC 4791 §9.6: the object's iCalendar bytes, exactly as GET serves them.
            Raw("<cal:calendar-data>"u8);
            Text(entry.Data.Span);
            Raw("</cal:calendar-data>"u8);
        }
    }

    /// <summary>A small property tree: elements (in the four declared namespaces or any other), unprefixed attributes and text.</summary>
    private void Element(XElement element)
    {
        var name = element.Name;
        var prefix = Prefix(name.Namespace);
        Raw("<"u8);
        Name(prefix, name.LocalName);
        if (prefix is null && name.Namespace != XNamespace.None)
        {
            // A namespace the root does not declare (an unknown property a client asked for).
            Raw(" xmlns=\""u8);
            Attribute(name.NamespaceName);
            Raw("\""u8);
        }

        foreach (var attribute in element.Attributes())
        {
            Raw(" "u8);
            Chars(attribute.Name.LocalName);
            Raw("=\""u8);
            Attribute(attribute.Value);
            Raw("\""u8);
        }

        if (element.IsEmpty)
        {
            Raw(" />"u8);
            return;
        }

        Raw(">"u8);
        foreach (var node in element.Nodes())
        {
            if (node is XElement child)
            {
                Element(child);
            }
            else if (node is XText text)
            {
                Text(text.Value);
            }
        }

        Raw("</"u8);
        Name(prefix, name.LocalName);
        Raw(">"u8);
    }

    private static string? Prefix(XNamespace ns) =>
        ns == DavNames.Dav ? "d"
        : ns == DavNames.CalDav ? "cal"
        : ns == DavNames.CalendarServer ? "cs"
        : ns == DavNames.Apple ? "ical"
        : null;

    private void Name(string? prefix, string localName)
    {
        if (prefix is not null)
        {
            Chars(prefix);
            Raw(":"u8);
        }

        Chars(localName);
    }

    private void Text(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            var i = text.IndexOfAny(TextSpecialBytes);
            if (i < 0)
            {
                Raw(text);
                return;
            }

            Raw(text[..i]);
            Raw(Escape((char)text[i]));
            text = text[(i + 1)..];
        }
    }

    private void Text(string text) => Escaped(text, TextSpecialChars);

    private void Attribute(string value) => Escaped(value, AttributeSpecialChars);

    // Character data and attribute values differ only in which characters they escape
    // (XML 1.0 sections 2.4 and 3.3.3: quotes, and whitespace that normalisation would fold).
    private void Escaped(ReadOnlySpan<char> rest, SearchValues<char> specials)
    {
        while (!rest.IsEmpty)
        {
            var i = rest.IndexOfAny(specials);
            if (i < 0)
            {
                Chars(rest);
                return;
            }

            Chars(rest[..i]);
            Raw(Escape(rest[i]));
            rest = rest[(i + 1)..];
        }
    }

    private static ReadOnlySpan<byte> Escape(char c) => c switch
    {
        '<' => "&lt;"u8,
        '>' => "&gt;"u8,
        '&' => "&amp;"u8,
        '\r' => "&#xD;"u8,
        '"' => "&quot;"u8,
        '\t' => "&#x9;"u8,
        '\n' => "&#xA;"u8,
        _ => [],
    };

    private void Chars(ReadOnlySpan<char> chars)
    {
        // In pieces small enough for one buffer (a calendar-timezone runs to a few KB), never
        // splitting a surrogate pair.
        const int Piece = ChunkBytes / 3;
        while (chars.Length > Piece)
        {
            var length = char.IsHighSurrogate(chars[Piece - 1]) ? Piece - 1 : Piece;
            Chars(chars[..length]);
            chars = chars[length..];
        }

        if (chars.IsEmpty)
        {
            return;
        }

        Ensure(Encoding.UTF8.GetMaxByteCount(chars.Length));
        _used += Encoding.UTF8.GetBytes(chars, _buffer.Span[_used..]);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            Ensure(Math.Min(bytes.Length, ChunkBytes));
            var room = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..room].CopyTo(_buffer.Span[_used..]);
            _used += room;
            bytes = bytes[room..];
        }
    }

    private void Ensure(int bytes)
    {
        if (_buffer.Length - _used >= bytes)
        {
            return;
        }

        Commit();
        _buffer = output.GetMemory(bytes);
    }

    private void Commit()
    {
        if (_used > 0)
        {
            output.Advance(_used);
            _written += _used;
        }

        _buffer = default;
        _used = 0;
    }
}
