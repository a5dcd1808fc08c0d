using System.Security.Cryptography;
using System.Text;

namespace FeedProxy.Push.Webhooks;

/// <summary>
/// Standard Webhooks signing (standardwebhooks.com, "Signature scheme"): the secret is
/// "whsec_" + base64 of the key; the signature is "v1," + base64 of HMAC-SHA256 over
/// "{webhook-id}.{webhook-timestamp}.{body}", sent in the webhook-signature header.
/// </summary>
internal static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret with a 32-byte random key.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>True for "whsec_" followed by base64 of 24 to 64 bytes.</summary>
    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return false;
        }

        var buffer = new byte[150];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var written) && written is >= 24 and <= 64;
    }

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var content = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
