using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Notifications;

internal static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        // Beside GitHub's incoming /webhooks/github: the ids here are numbers, so the two never meet.
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);

        webhooks.MapPost("/", async Task<Created<CreatedWebhook>> (CreateWebhook command, HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                // The signing secret is in this body and nowhere else: no cache may keep a copy.
                http.Response.Headers.CacheControl = "no-store";
                return TypedResults.Created($"/api/v1/webhooks/{created.Id}", created);
            })
            .WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to award and flag notifications; its signing secret is shown once, in this response.");

        webhooks.MapGet("/", async Task<Ok<IReadOnlyList<WebhookView>>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListWebhooks(), ct)))
            .WithName("ListWebhooks")
            .WithSummary("List subscriptions without their secrets.");

        webhooks.MapDelete("/{id:long}", async Task<NoContent> (long id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new DeleteWebhook(id), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWebhook")
            .WithSummary("End a subscription; nothing more is sent to it.");

        webhooks.MapGet("/{id:long}/deliveries", async Task<Ok<IReadOnlyList<DeliveryView>>> (long id, int? limit, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ListWebhookDeliveries(id, limit), ct)))
            .WithName("ListWebhookDeliveries")
            .WithSummary("A subscription's deliveries, newest first, with their status, attempts and last response code.");

        return api;
    }
}
