using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Badges;

internal static class BadgesApi
{
    public static RouteGroupBuilder MapBadgesApi(this RouteGroupBuilder api, bool publicDirectory)
    {
        var badges = api.MapGroup("/badges").WithTags("Badges");
        var admin = ApiKeyAuthentication.AdminPolicy;

        badges.MapPost("/", async Task<Created<BadgeView>> (CreateBadge command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/v1/badges/{created.Key}", created);
            })
            .RequireAuthorization(admin).WithName("CreateBadge").WithSummary("Create a badge as a draft (version 1); 400 with diagnostics when its rule does not compile.");

        badges.MapPut("/{key}", async Task<Ok<BadgeView>> (string key, BadgeBody body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new UpdateBadge(key, body.Key, body.Name, body.Description, body.Icon, body.Metric, body.Requires, body.Tiers, body.ExpiresAfter), ct)))
            .RequireAuthorization(admin).WithName("UpdateBadge").WithSummary("Store a new draft version; the published one keeps running until this is published.");

        badges.MapPost("/{key}/publish", async Task<Ok<BadgeView>> (string key, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new PublishBadge(key), ct)))
            .RequireAuthorization(admin).WithName("PublishBadge").WithSummary("Make the latest version live and re-evaluate everyone against it.");

        badges.MapPost("/{key}/archive", async Task<Ok<BadgeView>> (string key, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ArchiveBadge(key, Archived: true), ct)))
            .RequireAuthorization(admin).WithName("ArchiveBadge").WithSummary("Stop evaluating a badge and hide it and its awards from every read.");

        badges.MapPost("/{key}/unarchive", async Task<Ok<BadgeView>> (string key, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ArchiveBadge(key, Archived: false), ct)))
            .RequireAuthorization(admin).WithName("UnarchiveBadge").WithSummary("Bring an archived badge and its awards back.");

        badges.MapGet("/{key}/versions", async Task<Ok<IReadOnlyList<BadgeView>>> (string key, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListBadgeVersions(key), ct)))
            .RequireAuthorization(admin).WithName("ListBadgeVersions").WithSummary("Every version of a badge, newest first.");

        badges.MapPost("/preview", async Task<Ok<BadgePreview>> (PreviewBadge query, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(query, ct)))
            .RequireAuthorization(admin).WithName("PreviewBadge").WithSummary("Who would earn a definition now, over the stored events; writes nothing.");

        badges.MapPost("/{key}/preview", async Task<Ok<BadgeChangePreview>> (string key, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new PreviewBadgeChange(key), ct)))
            .RequireAuthorization(admin).WithName("PreviewBadgeChange").WithSummary("Who would gain or lose a tier if the latest draft were published.");

        // Reads of published badges serve directory pages: anonymous when the directory is public.
        var reads = badges.MapGroup("").WithDirectoryAccess(publicDirectory);

        reads.MapGet("/", async Task<Ok<IReadOnlyList<BadgeView>>> (string? status, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var wanted = status ?? "published";
                if (wanted != "published" && !Caller.IsAdmin(http.User))
                {
                    throw new Infrastructure.Errors.ForbiddenException("Only admins list draft or archived badges.");
                }

                return TypedResults.Ok(await mediator.Send(new ListBadges(wanted), ct));
            })
            .WithName("ListBadges").WithSummary("Published badges; admins may ask ?status=draft|archived|all.");

        reads.MapGet("/{key}", async Task<Ok<BadgeView>> (string key, HttpContext http, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetBadge(key, Caller.IsAdmin(http.User)), ct)))
            .WithName("GetBadge").WithSummary("A badge's live definition with the number of holders per tier.");

        reads.MapGet("/{key}/holders", async Task<Ok<IReadOnlyList<Holder>>> (string key, string? tier, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListHolders(key, tier), ct)))
            .WithName("ListHolders").WithSummary("Who holds a published badge, optionally one tier.");

        api.MapPost("/rules/validate", async Task<Ok<RuleValidation>> (ValidateRules query, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(query, ct)))
            .RequireAuthorization(admin).WithTags("Badges").WithName("ValidateRules").WithSummary("Check a metric and requirements as an editor types; always 200 with diagnostics.");

        return api;
    }

    internal sealed record BadgeBody(string? Key, string? Name, string? Description, string? Icon, string? Metric, List<string>? Requires, List<TierDefinition>? Tiers, string? ExpiresAfter);
}
