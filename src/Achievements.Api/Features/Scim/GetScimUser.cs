using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Api.Features.Scim;

/// <summary><c>GET /scim/v2/Users/{id}</c>: a provisioned user, active or not. An employee never provisioned is not a SCIM user.</summary>
internal sealed record GetScimUser(string Id) : IQuery<ScimUser>;

internal sealed class GetScimUserHandler(IDbConnectionFactory connections) : IQueryHandler<GetScimUser, ScimUser>
{
    public async ValueTask<ScimUser> Handle(GetScimUser query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await ScimUsers.FindAsync(connection, null, query.Id, cancellationToken) ?? throw new NotFoundException("User", query.Id);
    }
}
