using System.Text.Json.Nodes;
using Mediator;

namespace Achievements.Api.Features.Credentials;

/// <summary>An admin rotates the issuer's signing key: new credentials are signed with a new one, and every old public key stays in the JWKS.</summary>
internal sealed record RotateIssuerKey : ICommand<JsonNode>;

internal sealed class RotateIssuerKeyHandler(IssuerKeys keys) : ICommandHandler<RotateIssuerKey, JsonNode>
{
    public async ValueTask<JsonNode> Handle(RotateIssuerKey command, CancellationToken cancellationToken) => await keys.RotateAsync(cancellationToken);
}
