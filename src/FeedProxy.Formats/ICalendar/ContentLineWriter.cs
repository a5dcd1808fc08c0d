using System.Buffers;
using System.Text;

namespace FeedProxy.Formats.ICalendar;

/// <summary>
/// Writes RFC 5545 content lines straight into an <see cref="IBufferWriter{T}"/>, folding as it
/// goes (§3.1): a line never exceeds 75 octets, a fold is CRLF plus one space, and a fold only
/// ever falls between two whole units, a unit being one code point (never half a UTF-8
/// sequence or surrogate pair: Google shows U+FFFD otherwise) or one two-octet escape such as
/// "\n" (Google drops events whose escapes are split). Because a fold is only made right
/// before a unit is written, no continuation line is ever empty (iCloud rejects that).
/// Not thread-safe; one instance per render.
/// </summary>
internal sealed class ContentLineWriter(IBufferWriter<byte> output)
{
    /// <summary>RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break."</summary>
    public const int MaxLineOctets = 75;

    private const int ChunkSize = 1024;

    private static readonly SearchValues<char> PrintableAscii = SearchValues.Create(Range(' ', '~'));

    /// <summary>ASCII that TEXT writes unchanged: printable, minus the escaped "\\", ";" and ",".</summary>
    private static readonly SearchValues<char> PlainText =
        SearchValues.Create(string.Concat(Range(' ', '~').Where(c => c is not '\\' and not ';' and not ',')));

    private static readonly SearchValues<char> UriChars = SearchValues.Create(Range('!', '~'));

    /// <summary>
    /// The ASCII that TEXT does not copy as it is: the escaped "\\", ";", ",", the line breaks,
    /// and the dropped C0 controls (all but TAB) and DEL. In UTF-8 these octets never occur
    /// inside a multi-octet sequence, so TEXT is searched for them after transcoding.
    /// </summary>
    private static readonly SearchValues<byte> TextSpecialOctets =
        SearchValues.Create([.. (string.Concat(Range('\0', '\u001F').Where(c => c != '\t')) + "\u007F\\;,").Select(c => (byte)c)]);

    /// <summary>Parameter text that needs no quoting or replacing: printable ASCII but DQUOTE, ":", ";" and ",".</summary>
    private static readonly SearchValues<char> PlainParameter =
        SearchValues.Create(string.Concat(Range(' ', '~').Where(c => c is not '"' and not ':' and not ';' and not ',')));

    private readonly IBufferWriter<byte> _output = output ?? throw new ArgumentNullException(nameof(output));
    private Memory<byte> _chunk;
    private byte[]? _scratch;
    private int _position;
    private int _committed;
    private int _lineOctets;

    /// <summary>Octets written so far (committed or not): where the next one goes in the output.</summary>
    public int Position => _committed + _position;

    /// <summary>Writes ASCII text that needs no escaping (names, dates, numbers).</summary>
    public void WriteAscii(ReadOnlySpan<char> text)
    {
        // Callers pass printable ASCII only; anything else would be a bug that must not corrupt output.
        var bad = text.IndexOfAnyExcept(PrintableAscii);
        if (bad < 0)
        {
            WriteSafeRun(text);
            return;
        }

        WriteSafeRun(text[..bad]);
        foreach (var c in text[bad..])
        {
            WriteUnit(c is >= ' ' and < '\u007F' ? (byte)c : (byte)'?');
        }
    }

    public void WriteAscii(char c) => WriteUnit(c < 0x80 ? (byte)c : (byte)'?');

    /// <summary>TEXT value (§3.3.11): escapes backslash, semicolon, comma and line breaks; drops other controls.</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        // C1 controls are dropped one by one by the reference path; text without them (all
        // sanitised text) is transcoded to UTF-8 at once, then escaped and folded as octets,
        // which writes the same octets (a lone surrogate becomes U+FFFD either way).
        if (text.IndexOfAnyInRange('\u0080', '\u009F') >= 0)
        {
            WriteTextByChar(text);
            return;
        }

        var utf8 = Transcode(text);

        // Room for the worst case (every octet escaped, a fold per 70 octets), so the loop
        // below writes into one span without checking it.
        var most = utf8.Length * 2;
        Ensure(most + (3 * ((most / 70) + 2)));
        var output = _chunk.Span;
        var position = _position;
        var line = _lineOctets;
        while (!utf8.IsEmpty)
        {
            var special = utf8.IndexOfAny(TextSpecialOctets);
            var plain = special < 0 ? utf8 : utf8[..special];
            while (!plain.IsEmpty)
            {
                if (line >= MaxLineOctets)
                {
                    position = Fold(output, position);
                    line = 1;
                }

                var take = MaxLineOctets - line;
                if (plain.Length <= take)
                {
                    take = plain.Length;
                }
                else
                {
                    // Cut before the octet that starts a code point (continuation octets are
                    // 10xxxxxx): a fold never splits a UTF-8 sequence, and lines are packed
                    // exactly as unit-by-unit writing packs them.
                    while (take > 0 && (plain[take] & 0xC0) == 0x80)
                    {
                        take--;
                    }

                    if (take == 0)
                    {
                        line = MaxLineOctets;
                        continue;
                    }
                }

                plain[..take].CopyTo(output[position..]);
                position += take;
                line += take;
                plain = plain[take..];
            }

            if (special < 0)
            {
                break;
            }

            // §3.3.11 escapes (a CR LF pair is one line break: the LF writes it); other C0
            // controls and DEL are dropped.
            var escaped = utf8[special] switch
            {
                (byte)'\\' => (byte)'\\',
                (byte)';' => (byte)';',
                (byte)',' => (byte)',',
                (byte)'\n' => (byte)'n',
                (byte)'\r' when special + 1 >= utf8.Length || utf8[special + 1] != (byte)'\n' => (byte)'n',
                _ => (byte)0,
            };
            if (escaped != 0)
            {
                // Both octets of an escape on one line.
                if (line + 2 > MaxLineOctets)
                {
                    position = Fold(output, position);
                    line = 1;
                }

                output[position] = (byte)'\\';
                output[position + 1] = escaped;
                position += 2;
                line += 2;
            }

            utf8 = utf8[(special + 1)..];
        }

        _position = position;
        _lineOctets = line;
    }

    private static int Fold(Span<byte> output, int position)
    {
        output[position] = (byte)'\r';
        output[position + 1] = (byte)'\n';
        output[position + 2] = (byte)' ';
        return position + 3;
    }

    /// <summary>
    /// The reference TEXT path, one unit at a time; taken for text holding C1 controls, and
    /// the oracle the run-wise path is tested against.
    /// </summary>
    internal void WriteTextByChar(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            // Most text is plain ASCII: copy whole runs of it between the characters that need work.
            var run = text[i..].IndexOfAnyExcept(PlainText);
            if (run != 0)
            {
                run = run < 0 ? text.Length - i : run;
                WriteSafeRun(text.Slice(i, run));
                i += run - 1;
                continue;
            }

            var c = text[i];
            if (c is '\\' or ';' or ',' or '\n' or '\r')
            {
                WriteTextSpecial(c, i + 1 < text.Length && text[i + 1] == '\n');
                continue;
            }

            i = WriteCodePoint(text, i, keepTab: true);
        }
    }

    /// <summary>One of <see cref="TextSpecialOctets"/>: an escape, a line break, or a dropped control.</summary>
    private void WriteTextSpecial(char c, bool followedByLineFeed)
    {
        switch (c)
        {
            case '\\': WriteUnit((byte)'\\', (byte)'\\'); break;
            case ';': WriteUnit((byte)'\\', (byte)';'); break;
            case ',': WriteUnit((byte)'\\', (byte)','); break;
            case '\n': WriteUnit((byte)'\\', (byte)'n'); break;
            case '\r':
                // CR LF is one line break: the LF that follows writes it.
                if (!followedByLineFeed)
                {
                    WriteUnit((byte)'\\', (byte)'n');
                }

                break;
            default:
                // Other C0 controls and DEL are dropped (TAB is not special: §3.3.11 keeps it).
                break;
        }
    }

    /// <summary>
    /// Parameter value (§3.2): DQUOTE cannot be represented (RFC 6868 aside), so it becomes an
    /// apostrophe; a value holding ':', ';' or ',' is quoted; controls are dropped.
    /// </summary>
    public void WriteParameterValue(string value)
    {
        if (value.AsSpan().IndexOfAnyExcept(PlainParameter) < 0)
        {
            // Zone ids and labels: nothing to quote, replace or drop.
            WriteSafeRun(value);
            return;
        }

        var quote = value.AsSpan().IndexOfAny(":;,") >= 0;
        if (quote)
        {
            WriteUnit((byte)'"');
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
            {
                WriteUnit((byte)'\'');
                continue;
            }

            i = WriteCodePoint(value, i, keepTab: false);
        }

        if (quote)
        {
            WriteUnit((byte)'"');
        }
    }

    /// <summary>
    /// URI value (§3.3.13): not escaped as TEXT, but white space and controls cannot appear in
    /// a URI (RFC 3986) and must never end the content line, so they are percent-encoded.
    /// </summary>
    public void WriteUri(string uri)
    {
        var safe = uri.AsSpan().IndexOfAnyExcept(UriChars);
        if (safe < 0)
        {
            WriteSafeRun(uri);
            return;
        }

        for (var i = 0; i < uri.Length; i++)
        {
            var c = uri[i];
            if (c <= ' ' || c == '\u007F')
            {
                WriteUnit((byte)'%', Hex(c >> 4), Hex(c & 0xF));
                continue;
            }

            i = WriteCodePoint(uri, i, keepTab: false);
        }
    }

    /// <summary>Ends the content line with CRLF (§3.1: every line, including the last).</summary>
    public void EndLine()
    {
        Ensure(2);
        var span = _chunk.Span;
        span[_position++] = (byte)'\r';
        span[_position++] = (byte)'\n';
        _lineOctets = 0;
    }

    /// <summary>Commits everything written to the underlying buffer and gives back the scratch array (at the end of a render).</summary>
    public void Flush()
    {
        Commit();
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    private void Commit()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
            _committed += _position;
        }

        _chunk = Memory<byte>.Empty;
        _position = 0;
    }

    private static byte Hex(int nibble) => (byte)"0123456789ABCDEF"[nibble];

    /// <summary>
    /// Writes the code point starting at <paramref name="index"/>, dropping control characters
    /// (TAB is kept in TEXT, §3.3.11); returns the index of its last char.
    /// </summary>
    private int WriteCodePoint(ReadOnlySpan<char> text, int index, bool keepTab)
    {
        var c = text[index];
        if (c < 0x80)
        {
            if (c >= 0x20 && c != 0x7F)
            {
                WriteUnit((byte)c);
            }
            else if (c == '\t' && keepTab)
            {
                WriteUnit((byte)c);
            }

            return index;
        }

        if (c <= '\u009F')
        {
            return index; // C1 controls
        }

        // A lone surrogate decodes as U+FFFD: output stays valid UTF-8 whatever the input.
        Rune.DecodeFromUtf16(text[index..], out var rune, out var consumed);
        Span<byte> bytes = stackalloc byte[4];
        var length = rune.EncodeToUtf8(bytes);
        WriteUnit(bytes[..length]);
        return index + consumed - 1;
    }

    private static string Range(char first, char last) =>
        string.Concat(Enumerable.Range(first, last - first + 1).Select(c => (char)c));

    /// <summary>Copies printable ASCII (one octet per char, every position a legal fold point) in bulk.</summary>
    private void WriteSafeRun(ReadOnlySpan<char> run)
    {
        while (run.Length > 0)
        {
            if (_lineOctets >= MaxLineOctets)
            {
                Fold();
            }

            var count = Math.Min(run.Length, MaxLineOctets - _lineOctets);
            Ensure(count);
            Ascii.FromUtf16(run[..count], _chunk.Span[_position..], out _);
            _position += count;
            _lineOctets += count;
            run = run[count..];
        }
    }

    /// <summary>The text as UTF-8 in the render's scratch array (lone surrogates become U+FFFD).</summary>
    private ReadOnlySpan<byte> Transcode(ReadOnlySpan<char> text)
    {
        var needed = text.Length * 3;
        if (_scratch is null || _scratch.Length < needed)
        {
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
        }

        System.Text.Unicode.Utf8.FromUtf16(text, _scratch, out _, out var written);
        return _scratch.AsSpan(0, written);
    }

    private void Fold()
    {
        Ensure(3);
        var fold = _chunk.Span;
        fold[_position++] = (byte)'\r';
        fold[_position++] = (byte)'\n';
        fold[_position++] = (byte)' ';
        _lineOctets = 1;
    }

    private void WriteUnit(byte b)
    {
        // Hot path (ASCII): one octet, fold first if the line is full.
        if (_lineOctets >= MaxLineOctets || _chunk.Length - _position < 1)
        {
            WriteUnit([b]);
            return;
        }

        _chunk.Span[_position++] = b;
        _lineOctets++;
    }

    private void WriteUnit(byte a, byte b)
    {
        // Escapes: both octets on this line or both on the next (never a fold between them).
        if (_lineOctets + 2 > MaxLineOctets || _chunk.Length - _position < 2)
        {
            Span<byte> unit = [a, b];
            WriteUnit(unit);
            return;
        }

        var span = _chunk.Span;
        span[_position] = a;
        span[_position + 1] = b;
        _position += 2;
        _lineOctets += 2;
    }

    private void WriteUnit(byte a, byte b, byte c)
    {
        Span<byte> unit = [a, b, c];
        WriteUnit(unit);
    }

    private void WriteUnit(ReadOnlySpan<byte> unit)
    {
        // Fold first if the unit would not fit; the continuation starts with its space (1 octet).
        var fold = _lineOctets + unit.Length > MaxLineOctets;
        Ensure(unit.Length + (fold ? 3 : 0));
        var span = _chunk.Span;
        if (fold)
        {
            span[_position++] = (byte)'\r';
            span[_position++] = (byte)'\n';
            span[_position++] = (byte)' ';
            _lineOctets = 1;
        }

        unit.CopyTo(span[_position..]);
        _position += unit.Length;
        _lineOctets += unit.Length;
    }

    private void Ensure(int count)
    {
        if (_chunk.Length - _position >= count)
        {
            return;
        }

        Commit();
        _chunk = _output.GetMemory(Math.Max(ChunkSize, count));
    }
}
