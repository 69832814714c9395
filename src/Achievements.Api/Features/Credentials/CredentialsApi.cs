using System.Text.Json.Nodes;
using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Credentials;

/// <summary>Open Badges 3.0 credentials: an award's credential, the issuer, its keys and the revocation status lists (docs/credentials.md).</summary>
internal static class CredentialsApi
{
    /// <summary>RFC 7517's media type for a JWK Set.</summary>
    public const string JwkSet = "application/jwk-set+json";

    public static RouteGroupBuilder MapCredentialsApi(this RouteGroupBuilder api)
    {
        var credentials = api.MapGroup("").WithTags("Credentials");

        credentials.MapGet("/employees/{id}/badges/{key}/credential", async Task<ContentHttpResult> (string id, string key, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var issued = await mediator.Send(new IssueCredential(id, key), ct);
                // A credential names a person: never kept by a shared cache.
                http.Response.Headers.CacheControl = "private, no-store";
                return TypedResults.Text(issued.Jwt, OpenBadges.VcJwt);
            })
            .RequireSelfOrAdmin()
            .Produces<string>(contentType: OpenBadges.VcJwt)
            .WithName("GetCredential").WithSummary("The award as an Open Badges 3.0 credential, a VC-JWT signed with RS256 (self or admin).");

        credentials.MapGet("/issuer", async Task<Ok<JsonObject>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetIssuer(), ct)))
            .AllowAnonymous()
            .WithName("GetIssuer").WithSummary("The issuer's Open Badges 3.0 profile, which every credential names as its issuer.");

        credentials.MapGet("/status-lists/{list:long}", async Task<ContentHttpResult> (long list, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var status = await mediator.Send(new GetStatusList(list), ct);
                // Verifiers may keep it briefly; a revocation shows within a minute.
                http.Response.Headers.CacheControl = "public, max-age=60";
                return TypedResults.Text(status.Jwt, OpenBadges.VcJwt);
            })
            .AllowAnonymous()
            .Produces<string>(contentType: OpenBadges.VcJwt)
            .WithName("GetStatusList").WithSummary("A revocation status list (BitstringStatusListCredential) as a VC-JWT.");

        credentials.MapPost("/issuer/keys", async Task<Created<JsonNode>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Created("/.well-known/jwks.json", await mediator.Send(new RotateIssuerKey(), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("RotateIssuerKey").WithSummary("Rotate the signing key: new credentials use a new key; old ones keep verifying against the JWKS.");

        return api;
    }

    /// <summary>The issuer's public keys, where JOSE verifiers look for them.</summary>
    public static WebApplication MapIssuerKeys(this WebApplication app)
    {
        app.MapGet("/.well-known/jwks.json", async Task<ContentHttpResult> (HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                // Briefly: after a rotation, a verifier that kept the old set fetches it again for the new kid.
                http.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Text((await mediator.Send(new GetIssuerKeys(), ct)).ToJsonString(), JwkSet);
            })
            .AllowAnonymous()
            .WithTags("Credentials")
            .Produces<JsonObject>(contentType: JwkSet)
            .WithName("GetIssuerKeys").WithSummary("The issuer's public signing keys, current and retired, as a JWK Set.");
        return app;
    }
}
