using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Private;

/// <summary>
/// Private-URL tokens: 256 random bits, base64url (43 characters). Stores keep only
/// <see cref="Hash"/> of a token, so whoever reads the store (a backup, a replica, the state
/// folder) cannot open a private feed; the token itself exists only in the URL handed out.
/// </summary>
internal static class AccessTokens
{
    public const int Length = 43;

    /// <summary>Prefix of a stored hash; stored values without it are plain tokens from before hashing.</summary>
    public const string HashPrefix = "sha256:";

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static bool LooksValid(string? token) =>
        token is { Length: Length } && Base64Url.IsValid(token);

    /// <summary>The stored form of a token: "sha256:" and the SHA-256 of its UTF-8 bytes in lower-case hex.</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>True when <paramref name="stored"/> is already a hash.</summary>
    public static bool IsHashed(string stored) => stored.StartsWith(HashPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Compares hashes in constant time: neither the length nor the content of the stored
    /// token leaks through timing. <paramref name="stored"/> is a hash, or a plain token
    /// stored before hashing (still accepted, so handed-out URLs keep working). A null
    /// (no token, or no such event) costs the same hashing and comparison as a real one, so
    /// a private event and a nonexistent one answer in the same time.
    /// </summary>
    public static bool Matches(string presented, string? stored)
    {
        ArgumentNullException.ThrowIfNull(presented);
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        if (stored is not null && IsHashed(stored) && stored.Length == HashPrefix.Length + 64)
        {
            Convert.FromHexString(stored.AsSpan(HashPrefix.Length), b, out _, out _);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(stored ?? string.Empty), b);
        }

        return CryptographicOperations.FixedTimeEquals(a, b) && stored is not null;
    }
}
