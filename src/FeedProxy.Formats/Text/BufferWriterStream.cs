using System.Buffers;

namespace FeedProxy.Formats.Text;

/// <summary>
/// A write-only <see cref="Stream"/> over an <see cref="IBufferWriter{T}"/>, so XmlWriter and
/// other stream APIs write straight into the caller's buffer without an intermediate copy.
/// </summary>
public sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
{
    private readonly IBufferWriter<byte> _output = output ?? throw new ArgumentNullException(nameof(output));

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _output.Write(buffer);

    public override void WriteByte(byte value) => _output.Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
