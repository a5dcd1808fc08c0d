namespace FeedProxy.Formats.Text;

/// <summary>
/// Read-only, forward-only pass-through that shows every block it reads to <see cref="Observe"/>
/// (counting against a budget, hashing) before handing it on. Disposing it disposes the inner stream.
/// </summary>
public abstract class ReadObserverStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        BytesRead += read;
        Observe(buffer[..read]);
        return read;
    }

    /// <summary>Sees each block as it is read; throwing stops the read.</summary>
    protected abstract void Observe(ReadOnlySpan<byte> block);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
