using System.Security.Cryptography;
using System.Text;

namespace Achievements.Api.Infrastructure.Auth;

/// <summary>The five roles a key can carry; each key has exactly one.</summary>
internal enum ApiRole
{
    Admin,
    Source,
    Employee,
    Viewer,

    /// <summary>An identity provider provisioning the directory over SCIM 2.0, and nothing else (decision 0017).</summary>
    Scim,
}

internal static class ApiRoles
{
    public static readonly string[] Names = ["admin", "source", "employee", "viewer", "scim"];

    public static string Name(this ApiRole role) => Names[(int)role];

    public static ApiRole? Parse(string? name) =>
        Array.IndexOf(Names, name) is var index and >= 0 ? (ApiRole)index : null;
}

/// <summary>
/// Key format <c>ach_{id}_{secret}</c>: the id is public and finds the row, the secret is 256 random bits
/// that exist only in the caller's hands; we keep their SHA-256 and compare hashes in constant time.
/// </summary>
internal static class ApiKeySecrets
{
    private const string Prefix = "ach_";

    public static (string Id, string Key, byte[] SecretHash) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    public static bool TryParse(string presented, out string id, out string secret)
    {
        id = secret = "";
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var separator = presented.IndexOf('_', Prefix.Length);
        if (separator <= Prefix.Length || separator == presented.Length - 1)
        {
            return false;
        }

        id = presented[Prefix.Length..separator];
        secret = presented[(separator + 1)..];
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string presentedSecret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(presentedSecret), storedHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
