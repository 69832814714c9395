using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Storage;

namespace Achievements.Api.Features.Identities;

/// <summary>Sign-in's question (<see cref="IEmailOwners"/>), answered by the identity map on a connection of its own.</summary>
internal sealed class EmailOwners(IDbConnectionFactory connections) : IEmailOwners
{
    public async Task<EmailOwner?> FindAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await IdentityMap.FindEmailOwnerAsync(connection, address, cancellationToken);
    }
}
