using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Errors;
using Mediator;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.SignIn;

/// <summary>What a public client needs to start the authorization-code flow with PKCE; nothing in it is secret.</summary>
internal sealed record SignInSettings(string Authority, string ClientId, string Scope);

internal sealed record GetSignInSettings : IQuery<SignInSettings>;

internal sealed class GetSignInSettingsHandler(IOptions<OidcOptions> options) : IQueryHandler<GetSignInSettings, SignInSettings>
{
    public ValueTask<SignInSettings> Handle(GetSignInSettings query, CancellationToken cancellationToken)
    {
        var oidc = options.Value;
        return oidc.Enabled && oidc.ClientId is { Length: > 0 } clientId
            ? ValueTask.FromResult(new SignInSettings(oidc.Authority!.TrimEnd('/'), clientId, oidc.Scope))
            : throw new NotFoundException("Sign-in with an identity provider", "oidc");
    }
}
