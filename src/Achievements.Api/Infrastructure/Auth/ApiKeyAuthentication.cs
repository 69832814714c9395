using System.Security.Claims;
using System.Text.Encodings.Web;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Infrastructure.Auth;

/// <summary>Who is calling: the key's id, its role and its subject (a source name or an employee id).</summary>
internal sealed record Caller(string KeyId, ApiRole Role, string? Subject)
{
    public const string KeyIdClaim = "key_id";
    public const string SubjectClaim = "sub";

    /// <summary>The key id of a caller signed in through the identity provider: <c>oidc:</c> and the address they signed in as.</summary>
    public const string SignInPrefix = "oidc:";

    public bool SignedIn => KeyId.StartsWith(SignInPrefix, StringComparison.Ordinal);

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(KeyIdClaim) ?? throw new InvalidOperationException("The endpoint is not behind authentication."),
        ApiRoles.Parse(user.FindFirstValue(ClaimTypes.Role)) ?? throw new InvalidOperationException("The caller has no role."),
        user.FindFirstValue(SubjectClaim));

    public static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(ApiRole.Admin.Name());

    /// <summary>Private reads (progress, evidence) are for the employee themselves and for admins.</summary>
    public static void EnsureSelfOrAdmin(ClaimsPrincipal user, string employeeId)
    {
        var caller = From(user);
        if (caller.Role != ApiRole.Admin && !(caller.Role == ApiRole.Employee && caller.Subject == employeeId))
        {
            throw new Errors.ForbiddenException("Only the employee themselves and admins may read or change this.");
        }
    }

    /// <summary>The caller as a principal of <paramref name="scheme"/> (the API-key scheme or the OIDC one).</summary>
    public ClaimsPrincipal ToPrincipal(string scheme = ApiKeyAuthentication.Scheme)
    {
        List<Claim> claims = [new(KeyIdClaim, KeyId), new(ClaimTypes.Role, Role.Name())];
        if (Subject is not null)
        {
            claims.Add(new Claim(SubjectClaim, Subject));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

/// <summary>Endpoint metadata of <see cref="ApiKeyAuthentication.RequireSelfOrAdmin"/>: of any key's roles, only these get through.</summary>
internal sealed class SelfOrAdmin
{
    public static readonly SelfOrAdmin Mark = new();

    private SelfOrAdmin()
    {
    }

    /// <summary>An admin, or an employee reading their own.</summary>
    public static IReadOnlyList<ApiRole> Roles { get; } = [ApiRole.Admin, ApiRole.Employee];
}

internal sealed class ApiKeyOptions
{
    /// <summary>An admin key fixed by configuration (<c>Achievements:AdminKey</c>), for bootstrapping and automation.</summary>
    public string? AdminKey { get; set; }
}

internal static class ApiKeyAuthentication
{
    /// <summary>Directory reads are anonymous when the directory is public (the default), else any key.</summary>
    public static RouteGroupBuilder WithDirectoryAccess(this RouteGroupBuilder group, bool publicDirectory) =>
        publicDirectory ? group.AllowAnonymous() : group.RequireAuthorization(AnyKeyPolicy);

    /// <summary>
    /// Private reads: any key's policy, then only admins and the employee whom the route's <c>{id}</c> names
    /// (<see cref="Caller.EnsureSelfOrAdmin"/>). Its <see cref="SelfOrAdmin"/> mark is how the OpenAPI document knows.
    /// </summary>
    public static RouteHandlerBuilder RequireSelfOrAdmin(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireAuthorization(AnyKeyPolicy)
            .WithMetadata(SelfOrAdmin.Mark)
            .AddEndpointFilter((context, next) =>
            {
                Caller.EnsureSelfOrAdmin(context.HttpContext.User, (string)context.HttpContext.GetRouteValue("id")!);
                return next(context);
            });

    /// <summary>What <c>Authorization: Bearer &lt;credential&gt;</c> carries (a key or a token), or null for another scheme.</summary>
    public static string? BearerOf(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    public const string Scheme = "ApiKey";
    public const string AdminPolicy = "admin";
    public const string SourcePolicy = "source";
    public const string AnyKeyPolicy = "any-key";
    public const string ConfiguredAdminKeyId = "configured-admin";
}

/// <summary>
/// Reads <c>Authorization: Bearer &lt;key&gt;</c> and resolves it against the stored hashes on every request,
/// so a deleted key stops working at once. Answers 401 and 403 as problem details.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IDbConnectionFactory connections,
    IOptionsMonitor<ApiKeyOptions> keyOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string FindKey = """
        SELECT id AS Id, secret_hash AS SecretHash, role AS Role, subject AS Subject
        FROM api_keys
        WHERE id = @Id AND revoked_at IS NULL
        """;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (ApiKeyAuthentication.BearerOf(header) is not { } presented)
        {
            return AuthenticateResult.Fail("Authorization must be a Bearer key.");
        }

        var caller = await ResolveAsync(presented, Context.RequestAborted);
        return caller is null
            ? AuthenticateResult.Fail("Unknown or revoked key.")
            : AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(), Scheme.Name));
    }

    private async Task<Caller?> ResolveAsync(string presented, CancellationToken cancellationToken)
    {
        var configured = keyOptions.CurrentValue.AdminKey;
        if (!string.IsNullOrEmpty(configured) && ApiKeySecrets.Matches(presented, ApiKeySecrets.Hash(configured)))
        {
            return new Caller(ApiKeyAuthentication.ConfiguredAdminKeyId, ApiRole.Admin, null);
        }

        if (!ApiKeySecrets.TryParse(presented, out var id, out var secret))
        {
            return null;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(FindKey, new { Id = id }, cancellationToken: cancellationToken));
        if (row is null || !ApiKeySecrets.Matches(secret, row.SecretHash))
        {
            return null;
        }

        return ApiRoles.Parse(row.Role) is { } role ? new Caller(row.Id, role, row.Subject) : null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return AuthProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized", "Send a valid key as 'Authorization: Bearer <key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "This key's role may not do this.");

    private sealed record KeyRow
    {
        public required string Id { get; init; }
        public required byte[] SecretHash { get; init; }
        public required string Role { get; init; }
        public string? Subject { get; init; }
    }
}
