using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Engine.Detection;

/// <summary>
/// An operator's "run the detectors now", beside the runner it starts, as POST /evaluations is beside the pass; the
/// flags a run raises are a use case of Features/Gaming, hence the tag.
/// </summary>
internal static class DetectionsApi
{
    public static RouteGroupBuilder MapDetectionsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/detections", async Task<Ok<DetectionSummary>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new RunDetections(), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithTags("Gaming")
            .WithName("RunDetections")
            .WithSummary("Run the gaming detectors now.");
        return api;
    }
}
