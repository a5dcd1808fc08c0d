using System.Buffers;

namespace FeedProxy.Formats.Text;

/// <summary>
/// A growable char buffer on pooled arrays for text a writer composes from parts (a
/// description, a UID) and then writes without making a string of it. Not thread-safe; one
/// per render, disposed at its end.
/// </summary>
internal sealed class TextBuffer : IDisposable
{
    private char[] _chars;
    private int _length;

    public TextBuffer(int capacity = 2048) => _chars = ArrayPool<char>.Shared.Rent(capacity);

    public int Length => _length;

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Appends the text; null appends nothing (as StringBuilder.Append and interpolation do).</summary>
    public TextBuffer Append(string? text) => Append(text.AsSpan());

    public TextBuffer Append(ReadOnlySpan<char> text)
    {
        if (_chars.Length - _length < text.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars.AsSpan(_length));
        _length += text.Length;
        return this;
    }

    public TextBuffer Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
        return this;
    }

    public override string ToString() => new(Span);

    public void Dispose()
    {
        var chars = _chars;
        _chars = [];
        _length = 0;
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + needed));
        Span.CopyTo(larger);
        ArrayPool<char>.Shared.Return(_chars);
        _chars = larger;
    }
}
