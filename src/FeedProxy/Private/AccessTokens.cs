using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Private;

/// <summary>Private-URL tokens: 256 random bits, base64url (43 characters).</summary>
internal static class AccessTokens
{
    public const int Length = 43;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static bool LooksValid(string? token) =>
        token is { Length: Length } && Base64Url.IsValid(token);

    /// <summary>
    /// Compares hashes in constant time: neither the length nor the content of the stored
    /// token leaks through timing.
    /// </summary>
    public static bool Matches(string presented, string? stored)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (stored is null)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(stored), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
