using System.Text.Json;
using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Achievements.Api.Features.Events;

internal static class EventsApi
{
    /// <summary>1 MiB: a full batch of 1000 events of ordinary size fits several times over.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/events", async Task<Ok<IngestResult>> (EventBatch body, HttpContext http, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new IngestEvents(Caller.From(http.User).Subject!, body.Events), ct)))
            .RequireAuthorization(ApiKeyAuthentication.SourcePolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithTags("Events")
            .WithName("IngestEvents")
            .WithSummary("Post 1-1000 events; each is accepted, reported as a duplicate, or rejected with its errors.");

        return api;
    }

    internal sealed record EventBatch(List<JsonElement>? Events);
}
