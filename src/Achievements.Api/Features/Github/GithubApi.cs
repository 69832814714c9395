using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Achievements.Api.Features.Github;

internal static class GithubApi
{
    /// <summary>1 MiB: a pull request payload is about 30 KiB, and its body at most 64 K characters.</summary>
    public const long MaxDeliveryBytes = 1024 * 1024;

    public static RouteGroupBuilder MapGithubApi(this RouteGroupBuilder api)
    {
        var integration = api.MapGroup("/integrations/github").WithTags("GitHub").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);

        integration.MapPut("/", async Task<Ok<GithubIntegrationView>> (IntegrationBody body, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new PutGithubIntegration(body.WebhookSecret, body.AutoCreateEmployees), ct)))
            .WithName("PutGithubIntegration")
            .WithSummary("Set the GitHub webhook's secret (stored protected, never returned) and whether unknown logins become employees.");

        integration.MapGet("/", async Task<Ok<GithubIntegrationView>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetGithubIntegration(), ct)))
            .WithName("GetGithubIntegration")
            .WithSummary("Whether the GitHub webhook is configured, and where GitHub should send it.");

        // No key: GitHub signs each delivery with the shared secret instead, and the handler checks that first.
        api.MapPost("/webhooks/github", async Task<Results<Ok<GithubDeliveryResult>, Accepted<GithubDeliveryResult>>> (HttpRequest request, IMediator mediator, CancellationToken ct) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body, ct);
                var result = await mediator.Send(
                    new ReceiveGithubDelivery(request.Headers["X-GitHub-Event"], request.Headers["X-GitHub-Delivery"], request.Headers["X-Hub-Signature-256"], body.ToArray()), ct);
                return result.Accepted ? TypedResults.Accepted((string?)null, result) : TypedResults.Ok(result);
            })
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(MaxDeliveryBytes))
            .WithTags("GitHub")
            .WithName("ReceiveGithubDelivery")
            .WithSummary("GitHub's webhook: a signed delivery of pull request and review events (202), a ping or a redelivery (200).");

        return api;
    }

    internal sealed record IntegrationBody(string? WebhookSecret, bool? AutoCreateEmployees);
}
