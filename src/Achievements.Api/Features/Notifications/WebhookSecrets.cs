using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Achievements.Api.Features.Notifications;

/// <summary>
/// A subscription's signing secret: <c>whsec_</c> and the base64 of 32 random bytes, as Standard Webhooks writes one.
/// The service must sign with it, so it cannot keep only a hash as it does for API keys; it is stored protected with
/// ASP.NET Core Data Protection (the key ring is in the database), as the GitHub webhook's secret is. One per app.
/// </summary>
internal sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Prefix = "whsec_";

    // The purpose isolates these secrets: a payload protected for anything else cannot be unprotected as one.
    private readonly IDataProtector _protector = protection.CreateProtector("Achievements.Webhooks.SigningSecret.v1");

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
