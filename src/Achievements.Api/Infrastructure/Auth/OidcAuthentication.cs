using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Achievements.Api.Infrastructure.Auth;

/// <summary>
/// <c>Achievements:Oidc</c>: bearer tokens from the company's identity provider, next to API keys. On when both
/// <see cref="Authority"/> and <see cref="Audience"/> are set (docs/sign-in.md).
/// </summary>
internal sealed class OidcOptions
{
    /// <summary>The issuer; its discovery document and JWKS give the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The API's audience, as the provider writes it in access tokens' <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that names the employee, matched to their <c>email</c> identity.</summary>
    public string EmployeeClaim { get; set; } = "email";

    /// <summary>With <see cref="AdminValue"/>: a token whose claim of this name has that value acts as an admin.</summary>
    public string? AdminClaim { get; set; }

    public string? AdminValue { get; set; }

    /// <summary><c>false</c> allows an <c>http://</c> authority, as for a provider on loopback in tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The pages' public client (authorization code with PKCE, no secret); without it the pages keep the key form.</summary>
    public string? ClientId { get; set; }

    /// <summary>What the pages ask the provider for. Entra ID needs the API's own scope here (<c>api://…/access</c>).</summary>
    public string Scope { get; set; } = "openid profile email";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);

    /// <summary>The authority's discovery document, where its keys and endpoints are found.</summary>
    public string DiscoveryAddress => $"{Authority!.TrimEnd('/')}/.well-known/openid-configuration";
}

/// <summary>
/// The provider's tokens as callers: a token names a person through <see cref="OidcOptions.EmployeeClaim"/>, whom the
/// <c>email</c> identity maps to an employee; the admin claim makes them an admin. The token is checked by JwtBearer
/// against the authority's keys (fetched again when a token names a key not seen yet, so a rotation needs no restart).
/// </summary>
internal static class OidcAuthentication
{
    public const string Scheme = "Oidc";

    /// <summary>The scheme that reads <c>Authorization</c> and hands it to the API-key or the OIDC scheme.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>
    /// A person the provider vouches for whom no active employee matches: authenticated, with no role, so every policy refuses
    /// them; the claim says why, for the 403.
    /// </summary>
    public const string UnmappedClaim = "unmapped";

    /// <summary>The roles a sign-in can have (<see cref="CallerOfAsync"/>): the provider never makes a source, a viewer or a scim caller.</summary>
    public static readonly ApiRole[] SignInRoles = [ApiRole.Admin, ApiRole.Employee];

    public static AuthenticationBuilder AddBearerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var oidc = configuration.GetSection("Achievements:Oidc").Get<OidcOptions>() ?? new OidcOptions();
        services.Configure<OidcOptions>(configuration.GetSection("Achievements:Oidc"));
        var builder = services.AddAuthentication(BearerScheme)
            .AddPolicyScheme(BearerScheme, "API key or OIDC token", policy =>
                policy.ForwardDefaultSelector = context => oidc.Enabled && LooksLikeJwt(context.Request.Headers.Authorization) ? Scheme : ApiKeyAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthentication.Scheme, null);
        if (!oidc.Enabled)
        {
            return builder;
        }

        builder.AddJwtBearer(Scheme, options =>
        {
            options.Authority = oidc.Authority;
            options.Audience = oidc.Audience;
            options.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            // Claims keep the names the provider gave them ('email', 'groups'), which is what the settings name.
            options.MapInboundClaims = false;
            options.TokenValidationParameters.ValidateIssuer = true;
            options.TokenValidationParameters.ValidateAudience = true;
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = MapToCallerAsync,
                OnAuthenticationFailed = ProviderConfiguration.RetryWithNewKeysAsync,
                OnChallenge = ChallengeAsync,
                OnForbidden = ForbiddenAsync,
            };
        });
        // One per app (it caches the provider's keys for this instance), disposed with it.
        services.AddSingleton(provider => new ProviderConfiguration(
            oidc.DiscoveryAddress, oidc.RequireHttpsMetadata, provider.GetRequiredService<TimeProvider>()));
        services.AddOptions<JwtBearerOptions>(Scheme).Configure<TimeProvider, ProviderConfiguration>((options, clock, keys) =>
        {
            // Lifetimes are judged by the service's clock, like every other time it judges.
            options.TokenValidationParameters.LifetimeValidator = (notBefore, expires, token, parameters) => ValidLifetime(clock, notBefore, expires, parameters.ClockSkew);
            options.ConfigurationManager = keys;
        });
        return builder;
    }

    private static bool LooksLikeJwt(string? header) =>
        ApiKeyAuthentication.BearerOf(header) is { } token
        && token.StartsWith("eyJ", StringComparison.Ordinal)
        && token.Count('.') == 2;

    private static bool ValidLifetime(TimeProvider clock, DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        // A token without nbf arrives as DateTime.MinValue: compare against now, never subtract from it.
        if (notBefore is { } from && from > now + skew)
        {
            throw new SecurityTokenNotYetValidException($"The token is not valid before {from:O}.") { NotBefore = from };
        }

        if (expires.Value < now - skew)
        {
            throw new SecurityTokenExpiredException($"The token expired at {expires:O}.") { Expires = expires.Value };
        }

        return true;
    }

    private static async Task MapToCallerAsync(TokenValidatedContext context) =>
        context.Principal = await CallerOfAsync(context.HttpContext, context.Principal!);

    /// <summary>Turns the provider's principal into the service's caller: an admin, an employee, or an unmapped person.</summary>
    internal static async Task<ClaimsPrincipal> CallerOfAsync(HttpContext http, ClaimsPrincipal token)
    {
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<OidcOptions>>().Value;
        var person = token.FindFirstValue(options.EmployeeClaim)?.Trim();
        var isAdmin = options.AdminClaim is { Length: > 0 } claim && options.AdminValue is { Length: > 0 } value && token.HasClaim(claim, value);
        var owner = string.IsNullOrEmpty(person) ? null : await http.RequestServices.GetRequiredService<IEmailOwners>().FindAsync(person, http.RequestAborted);

        var keyId = $"{Caller.SignInPrefix}{person ?? token.FindFirstValue("sub") ?? "unknown"}";
        // A deactivated employee (SCIM) signs in as nobody, unless the provider still makes them an admin.
        var employee = owner is { Active: true } ? owner.EmployeeId : null;
        if (isAdmin || employee is not null)
        {
            return new Caller(keyId, isAdmin ? ApiRole.Admin : ApiRole.Employee, employee).ToPrincipal(Scheme);
        }

        var why = owner is not null
            ? $"You signed in as {person}, whose employee '{owner.EmployeeId}' is deactivated."
            : person is { Length: > 0 }
                ? $"You signed in as {person}, and no employee of this directory has that email address. Ask an admin to add it to your employee's identities."
                : $"Your sign-in carries no '{options.EmployeeClaim}' claim to find your employee by.";
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(Caller.KeyIdClaim, keyId), new Claim(UnmappedClaim, why)], Scheme));
    }

    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var reason = context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException => "The token has expired; sign in again.",
            SecurityTokenNotYetValidException => "The token is not valid yet.",
            SecurityTokenInvalidAudienceException => $"The token is not for this service: its audience must be '{context.Options.Audience}'.",
            SecurityTokenInvalidIssuerException => "The token was issued by another identity provider than this service trusts.",
            SecurityTokenSignatureKeyNotFoundException => "The token is signed with a key the identity provider does not publish.",
            SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
            null => "Send a valid key or token as 'Authorization: Bearer <key or token>'.",
            _ => "The token is not valid.",
        };
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", reason);
    }

    private static Task ForbiddenAsync(ForbiddenContext context)
    {
        var detail = context.HttpContext.User.FindFirstValue(UnmappedClaim) ?? "Your sign-in's role may not do this.";
        return AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", detail);
    }
}

/// <summary>
/// The provider's discovery document and keys, read through IdentityModel's own retriever. It replaces JwtBearer's default
/// configuration manager for one reason: that one refreshes in the background, so after a key rotation the request that
/// names the new key fails, and a retired key keeps working until its next refresh (12 hours by default). This one reads
/// again in the foreground when asked (a token named a key it does not have), at most once per <see cref="MinimumInterval"/>
/// so that tokens naming made-up keys cannot make the service hammer the provider, and every <see cref="RefreshInterval"/>
/// (so a retired key stops working within the hour even if no token names a new one).
/// </summary>
internal sealed class ProviderConfiguration(string metadataAddress, bool requireHttps, TimeProvider clock)
    : Microsoft.IdentityModel.Protocols.IConfigurationManager<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration>, IDisposable
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromHours(1);

    private readonly HttpClient _backchannel = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _turn = new(1, 1);
    private Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration? _current;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private DateTimeOffset _forcedAt = DateTimeOffset.MinValue;
    private volatile bool _refreshRequested;

    public async Task<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_current is { } current && !_refreshRequested && clock.GetUtcNow() - _readAt < RefreshInterval)
        {
            return current;
        }

        await _turn.WaitAsync(cancel);
        try
        {
            if (_current is null || _refreshRequested || clock.GetUtcNow() - _readAt >= RefreshInterval)
            {
                var retriever = new Microsoft.IdentityModel.Protocols.HttpDocumentRetriever(_backchannel) { RequireHttps = requireHttps };
                _current = await Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfigurationRetriever.GetAsync(metadataAddress, retriever, cancel);
                _readAt = clock.GetUtcNow();
                _refreshRequested = false;
            }

            return _current;
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose()
    {
        _backchannel.Dispose();
        _turn.Dispose();
    }

    /// <summary>Asked for by JwtBearer when a token names a key it does not have; granted once per <see cref="MinimumInterval"/>.</summary>
    public void RequestRefresh()
    {
        var now = clock.GetUtcNow();
        if (now - _forcedAt >= MinimumInterval)
        {
            _forcedAt = now;
            _refreshRequested = true;
        }
    }

    /// <summary>
    /// After a token failed for a key this instance did not have (JwtBearer has asked for a refresh): validates it again
    /// against the keys read now, so that the first request signed with a newly published key succeeds.
    /// </summary>
    public static async Task RetryWithNewKeysAsync(AuthenticationFailedContext context)
    {
        if (context.Exception is not SecurityTokenSignatureKeyNotFoundException
            || context.Options.ConfigurationManager is not ProviderConfiguration keys
            || !keys._refreshRequested
            || ApiKeyAuthentication.BearerOf(context.Request.Headers.Authorization) is not { } token)
        {
            return;
        }

        var configuration = await keys.GetConfigurationAsync(context.HttpContext.RequestAborted);
        var parameters = context.Options.TokenValidationParameters.Clone();
        parameters.ValidIssuer = configuration.Issuer;
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        var result = await context.Options.TokenHandlers[0].ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            context.Exception = result.Exception;
            return;
        }

        context.Principal = await OidcAuthentication.CallerOfAsync(context.HttpContext, new ClaimsPrincipal(result.ClaimsIdentity));
        context.Success();
    }
}

/// <summary>
/// Whose <c>email</c> identity a sign-in names. The identity map answers it (Features/Identities, registered by the
/// composition root), so that authentication, like the rest of Infrastructure, depends on no feature.
/// </summary>
internal interface IEmailOwners
{
    Task<EmailOwner?> FindAsync(string address, CancellationToken cancellationToken);
}

/// <summary>The employee an email identity belongs to, and whether they are active.</summary>
internal sealed record EmailOwner
{
    public required string EmployeeId { get; init; }
    public required bool Active { get; init; }
}

/// <summary>The one way authentication answers 401 and 403: as RFC 9457 problem details, like every other error.</summary>
internal static class AuthProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
