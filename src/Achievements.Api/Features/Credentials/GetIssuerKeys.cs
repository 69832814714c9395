using System.Text.Json.Nodes;
using Mediator;

namespace Achievements.Api.Features.Credentials;

/// <summary>The issuer's public keys as a JWK Set: the current one and every one signed with before, oldest first.</summary>
internal sealed record GetIssuerKeys : IQuery<JsonObject>;

internal sealed class GetIssuerKeysHandler(IssuerKeys keys) : IQueryHandler<GetIssuerKeys, JsonObject>
{
    public async ValueTask<JsonObject> Handle(GetIssuerKeys query, CancellationToken cancellationToken) => await keys.JwksAsync(cancellationToken);
}
