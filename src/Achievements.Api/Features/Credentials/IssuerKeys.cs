using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Achievements.Api.Features.Credentials;

/// <summary>
/// The issuer's RSA signing keys (decision 0019). The current key is the configured one
/// (<c>Achievements:Credentials:SigningKey</c>), else the newest generated one, generated on first use and kept in
/// <c>credential_keys</c> with its private part under Data Protection. Every public key ever signed with stays in the
/// table, and so in the JWKS: a rotation never stops an old credential verifying.
/// </summary>
/// <remarks>
/// Several instances: the newest generation is read on every signing, so a rotation on one instance is used by all at
/// their next credential. Two instances that generate at once both insert generation n+1; the unique key keeps the
/// first, the other's insert does nothing, and both then read and sign with the one stored. Unprotected keys are
/// cached per app (not static) by kid, which never changes meaning.
/// </remarks>
internal sealed class IssuerKeys(IDbConnectionFactory connections, IDataProtectionProvider protection, IOptions<CredentialOptions> options, TimeProvider time, AuditTrail audit)
{
    public const int KeySizeBits = 2048;

    private const string SelectNewest = """
        SELECT generation AS Generation, kid AS Kid, public_jwk AS PublicJwk, protected_private AS ProtectedPrivate
        FROM credential_keys ORDER BY generation DESC LIMIT 1
        """;

    private const string SelectKid = "SELECT 1 FROM credential_keys WHERE kid = @Kid";

    private const string SelectPublic = "SELECT public_jwk FROM credential_keys ORDER BY generation";

    // No conflict target: a taken generation (another instance won) and a known kid both leave the table as it is.
    private const string Insert = """
        INSERT INTO credential_keys (generation, kid, public_jwk, protected_private, created_at)
        VALUES ((SELECT COALESCE(MAX(generation), 0) + 1 FROM credential_keys), @Kid, @PublicJwk, @ProtectedPrivate, @Now)
        ON CONFLICT DO NOTHING
        """;

    private readonly IDataProtector _protector = protection.CreateProtector("Achievements.Credentials.SigningKey");
    private readonly ConcurrentDictionary<string, SigningCredentials> _unprotected = new(StringComparer.Ordinal);
    private readonly Lazy<SigningCredentials?> _configured = new(() => Configured(options.Value, out _));

    /// <summary>Whether the signing key is set in configuration, so that it is rotated there.</summary>
    public bool FromConfiguration => _configured.Value is not null;

    /// <summary>The key to sign with now, generating the first one if there is none.</summary>
    public async Task<SigningCredentials> CurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (_configured.Value is { } configured)
        {
            await RecordConfiguredAsync(connection, configured, cancellationToken);
            return configured;
        }

        var newest = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(SelectNewest, cancellationToken: cancellationToken));
        if (newest?.ProtectedPrivate is null)
        {
            // None yet, or the newest was a configured key that configuration no longer names.
            await InsertGeneratedAsync(connection, null, cancellationToken);
            newest = await connection.QuerySingleAsync<KeyRow>(new CommandDefinition(SelectNewest, cancellationToken: cancellationToken));
        }

        return _unprotected.GetOrAdd(newest.Kid, _ => Unprotect(newest));
    }

    /// <summary>Every public key ever signed with, oldest first, as JWKs.</summary>
    public async Task<JsonObject> JwksAsync(CancellationToken cancellationToken)
    {
        await CurrentAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var keys = await connection.QueryAsync<string>(new CommandDefinition(SelectPublic, cancellationToken: cancellationToken));
        return new JsonObject { ["keys"] = new JsonArray([.. keys.Select(key => JsonNode.Parse(key))]) };
    }

    /// <summary>A new generated key becomes the current one; the old ones stay published. Returns the new key's public JWK.</summary>
    public async Task<JsonNode> RotateAsync(CancellationToken cancellationToken)
    {
        if (FromConfiguration)
        {
            throw new ConflictException("The signing key is set in configuration (Achievements:Credentials:SigningKey); rotate it there. The old key's public part stays published.");
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        var newest = await connection.InTransactionAsync(async (transaction, _) =>
        {
            var jwk = await InsertGeneratedAsync(connection, transaction, cancellationToken);
            await audit.RecordAsync(connection, transaction, "issuer.key.rotated", new { Kid = jwk["kid"]!.GetValue<string>() }, cancellationToken);
            return jwk;
        }, cancellationToken);
        return newest;
    }

    private async Task<JsonObject> InsertGeneratedAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(KeySizeBits);
        var jwk = PublicJwk(rsa, kid: null);
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            Kid = jwk["kid"]!.GetValue<string>(),
            PublicJwk = jwk.ToJsonString(),
            ProtectedPrivate = _protector.Protect(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())),
            Now = time.GetUtcNow(),
        }, transaction, cancellationToken: cancellationToken));
        return jwk;
    }

    private async Task RecordConfiguredAsync(System.Data.Common.DbConnection connection, SigningCredentials configured, CancellationToken cancellationToken)
    {
        var key = (RsaSecurityKey)configured.Key;
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SelectKid, new { Kid = key.KeyId }, cancellationToken: cancellationToken)) is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, new
            {
                Kid = key.KeyId,
                PublicJwk = PublicJwk(key.Rsa, key.KeyId).ToJsonString(),
                ProtectedPrivate = (string?)null,
                Now = time.GetUtcNow(),
            }, cancellationToken: cancellationToken));
        }
    }

    private SigningCredentials Unprotect(KeyRow row)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(_protector.Unprotect(row.ProtectedPrivate!)), out _);
        return Signing(rsa, row.Kid);
    }

    /// <summary>The configured key, or null when none is configured or <paramref name="problem"/> says why it cannot be used.</summary>
    internal static SigningCredentials? Configured(CredentialOptions options, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(options.SigningKey);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            problem = "Achievements:Credentials:SigningKey must be an RSA private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).";
            rsa.Dispose();
            return null;
        }

        if (rsa.KeySize < KeySizeBits)
        {
            problem = $"Achievements:Credentials:SigningKey is a {rsa.KeySize}-bit key; RS256 keys must have at least {KeySizeBits} bits.";
            rsa.Dispose();
            return null;
        }

        return Signing(rsa, options.SigningKeyId is { Length: > 0 } kid ? kid : Thumbprint(rsa));
    }

    private static SigningCredentials Signing(RSA rsa, string kid) =>
        new(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256);

    /// <summary>The public key as a JWK for the JWKS, with its kid (RFC 7638's thumbprint unless one is given).</summary>
    private static JsonObject PublicJwk(RSA rsa, string? kid)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = SecurityAlgorithms.RsaSha256,
            ["kid"] = kid ?? Thumbprint(rsa),
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    private static string Thumbprint(RSA rsa) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))).ComputeJwkThumbprint());

    /// <summary>Signs <paramref name="payload"/> as a VC-JWT: the JWT's claims are the credential itself (VC-JOSE-COSE).</summary>
    public static string Sign(JsonObject payload, SigningCredentials key) =>
        new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), key, new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = "vc+jwt" });

    private sealed record KeyRow
    {
        public long Generation { get; init; }
        public required string Kid { get; init; }
        public required string PublicJwk { get; init; }
        public string? ProtectedPrivate { get; init; }
    }
}
