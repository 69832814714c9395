using System.Security.Cryptography;

namespace Achievements.Api.Features.Github;

/// <summary>GitHub's delivery signature: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>.</summary>
internal static class WebhookSignature
{
    private const string Prefix = "sha256=";

    /// <summary>The header GitHub would send for <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public static string For(byte[] secret, ReadOnlySpan<byte> body) => Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    /// <summary>
    /// True when <paramref name="header"/> is the body's signature. Compared in constant time, so how long a wrong
    /// signature takes to refuse says nothing about how much of it was right.
    /// </summary>
    public static bool Matches(byte[] secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + (2 * HMACSHA256.HashSizeInBytes))
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, HMACSHA256.HashData(secret, body));
    }
}
