using System.Text.Json.Nodes;
using Achievements.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Achievements.Api.Infrastructure;

/// <summary>
/// What <c>/openapi/v1.json</c> says about authentication, so that a generated client knows a bearer is needed: the
/// <c>apiKey</c> scheme always and the <c>oidc</c> scheme when a provider is configured, and on each protected operation
/// the roles that may call it. The roles are read from the endpoint's own authorization policy, never written down twice.
/// </summary>
internal sealed class OpenApiSecurity(IOptions<OidcOptions> oidcOptions, IAuthorizationPolicyProvider policies)
    : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string ApiKeyScheme = "apiKey";
    public const string OidcScheme = "oidc";
    public const string RolesExtension = "x-achievements-roles";

    private const string Description = """
        Achievements awards directory badges for outcomes (pull requests merged with an independent reviewer and not
        reverted, AI suggestions accepted and kept), never for token volume. Sources post events, a counting policy
        decides which of them count, and badges are rules over the counted events.

        Every request that needs a caller carries `Authorization: Bearer <credential>`, where the credential is either
        an API key (`ach_{id}_{secret}`, created by an admin through `POST /api/v1/keys`) with one role (admin, source,
        employee, viewer or scim), or, when the service is configured with the company's identity provider, an access
        token from that provider: its email claim names the employee, and its admin claim makes an admin. Each
        operation lists the roles it needs as the `apiKey` requirement's role names and in `x-achievements-roles`;
        an operation without a security requirement needs no credential.

        The API reference with real exchanges is `docs/api.md` in the service's repository, and `docs/security.md`
        says how keys are stored and checked.
        """;

    private readonly OidcOptions _oidc = oidcOptions.Value;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Achievements API";
        document.Info.Version = "v1";
        document.Info.Description = Description;
        document.AddComponent<IOpenApiSecurityScheme>(ApiKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "ach_{id}_{secret}",
            Description = "An API key with one role, sent as `Authorization: Bearer ach_{id}_{secret}`.",
        });
        if (_oidc.Enabled)
        {
            document.AddComponent<IOpenApiSecurityScheme>(OidcScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OpenIdConnect,
                OpenIdConnectUrl = new Uri(_oidc.DiscoveryAddress),
                Description = $"An access token from the company's identity provider for the audience '{_oidc.Audience}', "
                    + "sent as `Authorization: Bearer <token>`. It acts as the employee its email names, or as an admin.",
            });
        }

        return Task.CompletedTask;
    }

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // As the authorization middleware decides: any AllowAnonymous opens the endpoint, whatever else it carries.
        if (metadata.OfType<IAllowAnonymous>().Any()
            || await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>()) is not { } policy)
        {
            return;
        }

        var roles = RolesOf(policy);
        var selfOrAdmin = metadata.OfType<SelfOrAdmin>().Any();
        if (selfOrAdmin)
        {
            roles = [.. roles.Where(role => SelfOrAdmin.Roles.Contains(role))];
        }

        var names = roles.Select(role => role.Name()).ToList();
        operation.Security ??= [];
        // Role names for an http scheme are allowed by OpenAPI 3.1 ("a list of role names which are required for the execution").
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = names });
        var signIn = _oidc.Enabled && roles.Any(role => OidcAuthentication.SignInRoles.Contains(role));
        if (signIn)
        {
            // An alternative, not an addition. For openIdConnect the list would name OAuth scopes, so it stays empty.
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OidcScheme, context.Document)] = [] });
        }

        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[RolesExtension] = new JsonNodeExtension(new JsonArray([.. names.Select(name => JsonValue.Create(name))]));
        var who = selfOrAdmin
            ? "an admin, or the employee whom `{id}` names reading their own (their employee key or their sign-in); anyone else gets 403"
            : $"a key with {(names.Count == 1 ? "the role" : "one of the roles")} {string.Join(", ", names)}"
                + (signIn ? $", or a sign-in as {string.Join(" or ", OidcAuthentication.SignInRoles.Where(roles.Contains).Select(role => $"an {role.Name()}"))}" : "");
        operation.Description = string.Join("\n\n", new[] { operation.Description, $"Needs {who}." }.Where(part => !string.IsNullOrEmpty(part)));
    }

    /// <summary>The roles every role requirement of the policy allows (the policies here have one each).</summary>
    private static List<ApiRole> RolesOf(AuthorizationPolicy policy) =>
        policy.Requirements.OfType<RolesAuthorizationRequirement>()
            .Select(requirement => requirement.AllowedRoles.Select(ApiRoles.Parse).OfType<ApiRole>())
            .Aggregate(Enum.GetValues<ApiRole>().AsEnumerable(), (allowed, next) => allowed.Intersect(next))
            .Order()
            .ToList();
}
