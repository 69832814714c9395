using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// Directory sync over SCIM 2.0 (RFC 7643, RFC 7644) at <c>/scim/v2</c>, for a key of the <c>scim</c> role only: not
/// even an admin's key opens it, so the key an identity provider holds can do nothing else, and nothing else can do
/// this (decision 0017). Bodies are <c>application/scim+json</c> both ways (<c>application/json</c> is taken too), and
/// errors are SCIM error bodies (<see cref="ScimErrorWriter"/>).
/// </summary>
internal static class ScimApi
{
    public const string Policy = "scim";

    public static WebApplication MapScimApi(this WebApplication app)
    {
        var scim = app.MapGroup("/scim/v2").WithTags("SCIM").RequireAuthorization(Policy);
        var users = scim.MapGroup("/Users");

        users.MapPost("", async Task<JsonHttpResult<ScimUserResource>> (ScimUserBody body, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var user = await mediator.Send(new CreateScimUser(body.UserName, body.ExternalId, body.DisplayNameOf(), body.Enterprise?.Department, body.Active, body.PrimaryEmail()), ct);
                var resource = ScimUserResource.From(user, UsersUrl(http));
                http.Response.Headers.Location = resource.Meta.Location;
                return Scim(resource, StatusCodes.Status201Created);
            })
            .WithName("CreateScimUser").WithSummary("Provision a user: link the employee they already are, or create one (201).");

        users.MapGet("", async Task<JsonHttpResult<ScimListResponse<ScimUserResource>>> (string? filter, int? startIndex, int? count, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var page = await mediator.Send(new ListScimUsers(filter, startIndex, count), ct);
                var url = UsersUrl(http);
                return Scim(new ScimListResponse<ScimUserResource>(page.TotalResults, page.StartIndex, page.Users.Count, [.. page.Users.Select(u => ScimUserResource.From(u, url))]));
            })
            .WithName("ListScimUsers").WithSummary("Provisioned users, a page at a time, optionally filtered by userName eq \"…\" or externalId eq \"…\".");

        users.MapGet("/{id}", async Task<JsonHttpResult<ScimUserResource>> (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
                Scim(ScimUserResource.From(await mediator.Send(new GetScimUser(id), ct), UsersUrl(http))))
            .WithName("GetScimUser").WithSummary("A provisioned user, active or not.");

        users.MapPut("/{id}", async Task<JsonHttpResult<ScimUserResource>> (string id, ScimUserBody body, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var user = await mediator.Send(new ReplaceScimUser(id, body.UserName, body.ExternalId, body.DisplayNameOf(), body.Enterprise?.Department, body.Active, body.PrimaryEmail()), ct);
                return Scim(ScimUserResource.From(user, UsersUrl(http)));
            })
            .WithName("ReplaceScimUser").WithSummary("Replace a user's name, team, userName and externalId; active is kept when left out.");

        users.MapPatch("/{id}", async Task<JsonHttpResult<ScimUserResource>> (string id, ScimPatchBody body, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var operations = body.Operations?.Select(o => new ScimPatchOperation(o?.Op, o?.Path, o?.Value ?? default)).ToList();
                return Scim(ScimUserResource.From(await mediator.Send(new PatchScimUser(id, operations), ct), UsersUrl(http)));
            })
            .WithName("PatchScimUser").WithSummary("Change a user's attributes: active (deactivate, reactivate), name, team, userName, externalId.");

        users.MapDelete("/{id}", async Task<NoContent> (string id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new DeleteScimUser(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteScimUser").WithSummary("Deactivate the employee and forget the SCIM user; nothing of their history is deleted.");

        scim.MapGet("/ServiceProviderConfig", (HttpContext http) => Scim(ScimDiscovery.ServiceProviderConfig(BaseUrl(http))))
            .WithName("GetScimServiceProviderConfig").WithSummary("What this SCIM service supports: PATCH and one filter, no bulk, sort, ETags or passwords.");

        scim.MapGet("/ResourceTypes", (HttpContext http) => Scim(ScimDiscovery.ResourceTypes(BaseUrl(http))))
            .WithName("ListScimResourceTypes").WithSummary("The one resource type: User, with the enterprise extension.");

        return app;
    }

    private static JsonHttpResult<T> Scim<T>(T body, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(body, contentType: ScimSchemas.MediaType, statusCode: status);

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/scim/v2";

    private static string UsersUrl(HttpContext http) => $"{BaseUrl(http)}/Users";
}
