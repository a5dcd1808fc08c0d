using System.Buffers;

namespace FeedProxy.Feeds.Progressive;

/// <summary>
/// A buffer one thread writes a feed into while another reads what is already written: the
/// reader hashes and compresses the first blocks while the writer is still producing the
/// rest (<see cref="ProgressiveRender"/>). One writer and one reader.
/// <para>
/// Written bytes never change and never move out from under the reader: when the buffer
/// grows, the bytes so far are copied into the new array before it is published, and the
/// old array keeps them, so whichever array the reader sees holds everything up to the count
/// it read first. The reader is woken once per <see cref="BlockSize"/> written, and at the end.
/// </para>
/// </summary>
internal sealed class ProgressiveBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>
    /// The reader takes the bytes in blocks of this size (the last one may be shorter). Large,
    /// because Brotli at the quality used compresses each write on its own: on the 1.8 MB
    /// .ics, writes of 64 KB gave a body 14% larger than one write of the whole; 512 KB gives
    /// the same size (docs/benchmarks.md, "Cold path, fourth pass").
    /// </summary>
    public const int BlockSize = 512 * 1024;

    // The most handed out at once when less is asked for.
    private const int SliceSize = 16 * 1024;

    private readonly SemaphoreSlim _progress = new(0);
    private byte[] _buffer;
    private int _written;
    private int _signalled;
    private volatile bool _completed;

    public ProgressiveBufferWriter(int initialCapacity) =>
        _buffer = new byte[Math.Max(initialCapacity, 4 * 1024)];

    /// <summary>The bytes written; only once <see cref="Complete"/> was called.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _completed
        ? _buffer.AsMemory(0, _written)
        : throw new InvalidOperationException("The buffer is still being written.");

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        var written = _written + count;
        Volatile.Write(ref _written, written);
        if (written - _signalled >= BlockSize)
        {
            _signalled = written;
            _progress.Release();
        }
    }

    // At most a slice (or the size asked for): a writer that fills whatever it is given
    // before advancing would otherwise advance once, at the end, and the reader would wait
    // for the whole render.
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written, Available(sizeHint));
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written, Available(sizeHint));
    }

    /// <summary>Ends the writing (also after a failure, so the reader is never left waiting).</summary>
    public void Complete()
    {
        _completed = true;
        _progress.Release();
    }

    /// <summary>
    /// Hands every byte to <paramref name="consume"/> in order, in whole blocks of
    /// <see cref="BlockSize"/> and a last shorter one, as they are written, until
    /// <see cref="Complete"/>; blocks the calling thread meanwhile (a thread of its own, or
    /// the writer's once it has completed). Blocks of a fixed size make the consumer's output
    /// (compressed bytes) the same however the writing and the reading interleaved.
    /// </summary>
    public void ReadAll(Action<ReadOnlyMemory<byte>> consume)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var done = 0;
        while (true)
        {
            _progress.Wait();
            var completed = _completed;                  // before the count: a completed count is final
            var written = Volatile.Read(ref _written);
            var buffer = Volatile.Read(ref _buffer);     // after the count: holds at least that much
            while (written - done >= BlockSize)
            {
                consume(buffer.AsMemory(done, BlockSize));
                done += BlockSize;
            }

            if (completed)
            {
                if (written > done)
                {
                    consume(buffer.AsMemory(done, written - done));
                }

                return;
            }
        }
    }

    public void Dispose() => _progress.Dispose();

    private int Available(int sizeHint) => Math.Min(_buffer.Length - _written, Math.Max(sizeHint, SliceSize));

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(1, sizeHint);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var grown = new byte[Math.Max((long)_buffer.Length * 2, (long)_written + sizeHint) > Array.MaxLength
            ? checked(_written + sizeHint)
            : (int)Math.Max((long)_buffer.Length * 2, (long)_written + sizeHint)];
        _buffer.AsSpan(0, _written).CopyTo(grown);
        Volatile.Write(ref _buffer, grown);
    }
}
