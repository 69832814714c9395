using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Engine.Evaluation;

internal static class EvaluationsApi
{
    public static RouteGroupBuilder MapEvaluationsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/evaluations", async Task<Ok<EvaluationSummary>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new RunEvaluations(), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithTags("Evaluation")
            .WithName("RunEvaluations")
            .WithSummary("Evaluate everything pending now and return when done.");
        return api;
    }
}
