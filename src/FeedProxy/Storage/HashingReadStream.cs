using System.Security.Cryptography;
using FeedProxy.Formats.Text;

namespace FeedProxy.Storage;

/// <summary>
/// Read-only pass-through that hashes (SHA-256) every byte read, so a file can be parsed in
/// pieces and still be versioned by exactly the bytes that were parsed.
/// </summary>
internal sealed class HashingReadStream(Stream inner) : ReadObserverStream(inner)
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The hash of everything read so far, after reading the rest of the input.</summary>
    public byte[] HashToEnd()
    {
        var buffer = new byte[16 * 1024];
        while (Read(buffer) > 0)
        {
        }

        return _hash.GetHashAndReset();
    }

    protected override void Observe(ReadOnlySpan<byte> block) => _hash.AppendData(block);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
