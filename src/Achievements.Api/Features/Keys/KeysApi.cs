using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Keys;

internal static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Keys").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);

        keys.MapPost("/", async Task<Created<CreatedKey>> (CreateKey command, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                // The secret is in this body and nowhere else: no cache may keep a copy.
                http.Response.Headers.CacheControl = "no-store";
                return TypedResults.Created($"/api/v1/keys/{created.Id}", created);
            })
            .WithName("CreateKey")
            .WithSummary("Create a key with one role; its secret is shown once, in this response.");

        keys.MapGet("/", async Task<Ok<IReadOnlyList<KeySummary>>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListKeys(), ct)))
            .WithName("ListKeys")
            .WithSummary("List keys without secrets.");

        keys.MapDelete("/{id}", async Task<NoContent> (string id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new RevokeKey(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("RevokeKey")
            .WithSummary("Revoke a key; it stops working at once.");

        return api;
    }
}
