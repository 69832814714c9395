using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Identities;

internal static class IdentitiesApi
{
    public static RouteGroupBuilder MapIdentitiesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/identities/unmapped", async Task<Ok<IReadOnlyList<UnmappedIdentity>>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListUnmapped(), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithTags("Identities")
            .WithName("ListUnmappedIdentities")
            .WithSummary("Identities that held events name and no employee has yet, with how many events wait for each.");

        return api;
    }
}
