using System.Text.Json.Nodes;
using Achievements.Api.Infrastructure.Errors;
using Mediator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Credentials;

/// <summary><c>Achievements:Credentials</c>: who issues the credentials and how they name their subject (docs/credentials.md).</summary>
internal sealed class CredentialOptions
{
    /// <summary>The issuer profile's name, as wallets show it.</summary>
    public string IssuerName { get; set; } = "Achievements";

    /// <summary>Name the subject by a salted SHA-256 of their address (<c>sha256$...</c>) instead of the address itself.</summary>
    public bool HashIdentity { get; set; }

    /// <summary>An RSA private key in PEM to sign with; unset, one is generated on first use and kept in the database.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The configured key's <c>kid</c>; unset, its RFC 7638 thumbprint.</summary>
    public string? SigningKeyId { get; set; }
}

/// <summary>A configured signing key that cannot be used stops the service at start, rather than failing the first download.</summary>
internal sealed class CredentialOptionsValidator : IValidateOptions<CredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialOptions options)
    {
        using var key = (IssuerKeys.Configured(options, out var problem)?.Key as Microsoft.IdentityModel.Tokens.RsaSecurityKey)?.Rsa;
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }
}

/// <summary>
/// The absolute addresses that signed documents carry: the issuer's id, the status lists, the badges. They come from
/// <c>Achievements:PublicUrl</c>. Unset, from the address the server listens on when it names a host (never from a
/// request: a Host header is the caller's to choose), and only in Development from the request itself, so that a test
/// host without a listening address still works. Otherwise there is no address to sign, and issuing is refused.
/// </summary>
internal sealed class IssuerUrls(IConfiguration configuration, IServer server, IHostEnvironment environment, IHttpContextAccessor http)
{
    public const string PublicUrlSetting = "Achievements:PublicUrl";

    public string Base => Configured() ?? Listening() ?? FromDevelopmentRequest()
        ?? throw new ConflictException($"{PublicUrlSetting} is not set, so credentials cannot name their issuer; set it to the address people reach the service at, such as https://achievements.example.com.");

    public string IssuerId => $"{Base}/api/v1/issuer";

    public string StatusList(long list) => $"{Base}/api/v1/status-lists/{list}";

    public string Badge(string key) => $"{Base}/api/v1/badges/{Uri.EscapeDataString(key)}";

    private string? Configured()
    {
        if (configuration[PublicUrlSetting] is not { Length: > 0 } url)
        {
            return null;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? url.TrimEnd('/')
            : throw new ConflictException($"{PublicUrlSetting} is '{url}'; it must be an absolute http or https address without query or fragment, such as https://achievements.example.com.");
    }

    private string? Listening() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(address => Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(uri => uri is not null && uri.Host is not ("+" or "*" or "0.0.0.0" or "[::]" or ""))
            ?.GetLeftPart(UriPartial.Authority);

    private string? FromDevelopmentRequest() =>
        environment.IsDevelopment() && http.HttpContext?.Request is { } request ? $"{request.Scheme}://{request.Host}{request.PathBase}" : null;
}

/// <summary>The issuer as the credentials name it: an Open Badges 3.0 Profile.</summary>
internal sealed record GetIssuer : IQuery<JsonObject>;

internal sealed class GetIssuerHandler(IssuerUrls urls, IOptions<CredentialOptions> options) : IQueryHandler<GetIssuer, JsonObject>
{
    public ValueTask<JsonObject> Handle(GetIssuer query, CancellationToken cancellationToken)
    {
        var profile = IssuerProfile.Of(urls, options.Value);
        profile.Insert(0, "@context", new JsonArray(OpenBadges.Contexts.Select(c => (JsonNode)c!).ToArray()));
        profile["url"] = urls.Base;
        return ValueTask.FromResult(profile);
    }
}

internal static class IssuerProfile
{
    public static JsonObject Of(IssuerUrls urls, CredentialOptions options) => new()
    {
        ["id"] = urls.IssuerId,
        ["type"] = new JsonArray("Profile"),
        ["name"] = options.IssuerName,
    };
}

/// <summary>The JSON-LD contexts and media type of Open Badges 3.0 credentials secured as VC-JWTs (VC-JOSE-COSE).</summary>
internal static class OpenBadges
{
    public const string CredentialsV2 = "https://www.w3.org/ns/credentials/v2";
    public const string OpenBadgesV3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
    public const string VcJwt = "application/vc+jwt";

    public static IReadOnlyList<string> Contexts { get; } = [CredentialsV2, OpenBadgesV3];

    /// <summary>A VCDM dateTimeStamp in UTC to the second, such as 2026-06-01T12:00:00Z.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
