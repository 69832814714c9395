using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Gaming;

internal static class GamingApi
{
    public static RouteGroupBuilder MapGamingApi(this RouteGroupBuilder api)
    {
        var admin = ApiKeyAuthentication.AdminPolicy;

        var flags = api.MapGroup("/flags").WithTags("Gaming").RequireAuthorization(admin);
        flags.MapGet("/", async Task<Ok<IReadOnlyList<Flag>>> (string? status, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListFlags(status), ct)))
            .WithName("ListFlags").WithSummary("Findings of the gaming detectors, newest first; ?status=open|dismissed|confirmed.");

        flags.MapPost("/{id:long}/dismiss", async Task<Ok<Flag>> (long id, NoteBody? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ResolveFlag(id, Confirm: false, body?.Note), ct)))
            .WithName("DismissFlag").WithSummary("Not gaming: held awards become active.");

        flags.MapPost("/{id:long}/confirm", async Task<Ok<Flag>> (long id, NoteBody? body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ResolveFlag(id, Confirm: true, body?.Note), ct)))
            .WithName("ConfirmFlag").WithSummary("Gaming: held awards are revoked; a ring's approvals stop counting.");

        return api;
    }

    internal sealed record NoteBody(string? Note);
}
