using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Insights;

internal static class InsightsApi
{
    public static RouteGroupBuilder MapInsightsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/insights/cost", async Task<Ok<CostInsights>> (string? groupBy, string? window, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCostInsights(groupBy ?? "team", window ?? "90d"), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithTags("Insights")
            .WithName("GetCostInsights")
            .WithSummary("Tokens, reported cost and counted outcomes per team, per model and per week; never per person.");
        return api;
    }
}
