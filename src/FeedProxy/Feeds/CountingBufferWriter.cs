using System.Buffers;

namespace FeedProxy.Feeds;

/// <summary>
/// Counts what a writer writes and keeps none of it (one scratch buffer, reused): the length
/// of a large render, so its real render can go into an array of exactly that size.
/// </summary>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private byte[] _scratch = new byte[16 * 1024];

    public long Count { get; private set; }

    public void Advance(int count) => Count += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint).Span;

    private Memory<byte> Scratch(int sizeHint)
    {
        if (sizeHint > _scratch.Length)
        {
            _scratch = new byte[sizeHint];
        }

        return _scratch;
    }
}
