using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Audit;

internal static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async Task<Ok<IReadOnlyList<AuditEntry>>> (string? employee, string? badge, DateTimeOffset? since, int? limit, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListAudit(employee, badge, since, limit ?? 200), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithTags("Audit")
            .WithName("ListAudit")
            .WithSummary("The append-only audit log, newest first: grants, upgrades, revocations, restores and admin changes.");
        return api;
    }
}
