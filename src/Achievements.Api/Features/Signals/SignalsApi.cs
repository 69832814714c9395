using System.Text.Json;
using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Json;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Signals;

internal static class SignalsApi
{
    public static RouteGroupBuilder MapSignalsApi(this RouteGroupBuilder api)
    {
        var signals = api.MapGroup("/signals").WithTags("Signals");

        signals.MapGet("/", async Task<Ok<IReadOnlyList<SignalView>>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListSignals(), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AnyKeyPolicy)
            .WithName("ListSignals")
            .WithSummary("The signal catalog: each event type, its kind, its attributes and the policy that decides what counts.");

        signals.MapPost("/", async Task<Created<SignalView>> (CreateSignal command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return TypedResults.Created($"/api/v1/signals/{created.Type}", created);
            })
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("CreateSignal")
            .WithSummary("Add an organisation's own signal to the catalog.");

        signals.MapPut("/{type}", async Task<Ok<SignalView>> (string type, JsonElement body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new UpdateSignalPolicy(type, body, PolicyEdit.Replace), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("UpdateSignalPolicy")
            .WithSummary("Replace a signal's policy with the body, which may be its catalog entry as GET shows it; audited, re-evaluates everyone.");

        signals.MapPatch("/{type}", async Task<Ok<SignalView>> (string type, JsonElement patch, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new UpdateSignalPolicy(type, patch, PolicyEdit.MergePatch), ct)))
            .Accepts<JsonElement>(JsonMergePatch.MediaType)
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("PatchSignalPolicy")
            .WithSummary("Change some fields of a signal's policy with a JSON merge patch (RFC 7396); audited, re-evaluates everyone.");

        return api;
    }
}
