using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Signals;

internal static class SignalsApi
{
    internal sealed record PolicyBody(string? Description, string? Settlement, CorrectedBy? CorrectedBy, int? DailyCap, List<QualifyCondition>? Qualify,
        ShippedBy? ShippedBy, Voices? Voices, List<string>? AuthoritativeSources);

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

        signals.MapPut("/{type}", async Task<Ok<SignalView>> (string type, PolicyBody body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new UpdateSignalPolicy(type, body.Description, body.Settlement, body.CorrectedBy, body.DailyCap, body.Qualify, body.ShippedBy, body.Voices, body.AuthoritativeSources), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("UpdateSignalPolicy")
            .WithSummary("Replace a signal's policy (settlement, correction, daily cap, qualify conditions); audited, re-evaluates everyone.");

        return api;
    }
}
