using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Awards;

internal static class AwardsApi
{
    public static RouteGroupBuilder MapAwardsApi(this RouteGroupBuilder api, bool publicDirectory)
    {
        var employees = api.MapGroup("/employees/{id}").WithTags("Awards");

        var directory = employees.MapGroup("").WithDirectoryAccess(publicDirectory);
        // Both write bytes rendered once per change (see DirectoryEntry): once the handler answered from memory,
        // serialising JSON on every read was about a quarter of the middleware pipeline's time (profiled).
        directory.MapGet("/badges", async Task<Utf8ContentHttpResult> (string id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Text((await mediator.Send(new GetDirectoryEntry(id), ct)).Json, "application/json; charset=utf-8"))
            .Produces<EmployeeBadges>(contentType: "application/json")
            .WithName("GetEmployeeBadges").WithSummary("An employee's active badges, highest tier per badge, for directory pages.");

        directory.MapGet("/badges.svg", async Task<Results<Utf8ContentHttpResult, StatusCodeHttpResult>> (string id, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var image = (await mediator.Send(new GetDirectoryEntry(id), ct)).Image;
                http.Response.Headers.ETag = image.ETag;
                // Revalidate every time: a new award must show on the next view, never a cached old picture.
                http.Response.Headers.CacheControl = "no-cache";
                return http.Request.Headers.IfNoneMatch == image.ETag
                    ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                    : TypedResults.Text(image.Svg, "image/svg+xml; charset=utf-8");
            })
            .WithName("GetEmployeeBadgesSvg").WithSummary("The same badges as one SVG image for an <img> tag, with an ETag.");

        employees.MapGet("/progress", async Task<Ok<EmployeeProgress>> (string id, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetProgress(id), ct)))
            .RequireSelfOrAdmin()
            .WithName("GetProgress").WithSummary("Progress on every published badge and why events did or did not count (self or admin).");

        employees.MapGet("/outcomes", async Task<Ok<OutcomesPerWeek>> (string id, int? weeks, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetOutcomesPerWeek(id, weeks ?? 12), ct)))
            .RequireSelfOrAdmin()
            .WithName("GetOutcomesPerWeek").WithSummary("Counted outcomes per week over the last N weeks (default 12), oldest first (self or admin).");

        employees.MapGet("/badges/{key}", async Task<Ok<AwardDetail>> (string id, string key, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetAward(id, key), ct)))
            .RequireSelfOrAdmin()
            .WithName("GetAward").WithSummary("One award with its evidence and history (self or admin).");

        employees.MapPut("/badges/{key}/visibility", async Task<Ok<BadgeVisibility>> (string id, string key, VisibilityBody body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new SetBadgeVisibility(id, key, body.Visible), ct)))
            .RequireSelfOrAdmin()
            .WithName("SetBadgeVisibility").WithSummary("Show or hide one badge in the directory; it stays in the employee's progress (self or admin).");

        employees.MapPost("/badges/{key}/revoke", async Task<NoContent> (string id, string key, RevokeBody body, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new RevokeAward(id, key, body.Reason), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("RevokeAward").WithSummary("Revoke an award; evaluation never grants it again until it is restored.");

        employees.MapPost("/badges/{key}/restore", async Task<NoContent> (string id, string key, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new RestoreAward(id, key), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("RestoreAward").WithSummary("Restore a revoked award at the tier it had.");

        return api;
    }

    internal sealed record RevokeBody(string? Reason);

    internal sealed record VisibilityBody(bool? Visible);
}
