using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.SignIn;

internal static class SignInApi
{
    public static RouteGroupBuilder MapSignInApi(this RouteGroupBuilder api)
    {
        api.MapGet("/sign-in", async Task<Ok<SignInSettings>> (IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetSignInSettings(), ct)))
            .AllowAnonymous()
            .WithTags("Sign-in")
            .WithName("GetSignInSettings")
            .WithSummary("How the pages sign in: the identity provider and the pages' public client; 404 when only keys are accepted.");

        api.MapGet("/me", async Task<Ok<SignedInCaller>> (HttpContext http, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new WhoAmI(Caller.From(http.User)), ct)))
            .RequireAuthorization(ApiKeyAuthentication.AnyKeyPolicy)
            .WithTags("Sign-in")
            .WithName("WhoAmI")
            .WithSummary("Who the key or token is: its role and, for an employee, which one.");

        return api;
    }
}
