using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Keys;

/// <summary>Revokes a key. Authentication reads the table on every request, so it stops working at once.</summary>
internal sealed record RevokeKey(string Id) : ICommand;

internal sealed class RevokeKeyHandler(IDbConnectionFactory connections, TimeProvider time) : ICommandHandler<RevokeKey>
{
    private const string Revoke = """
        UPDATE api_keys SET revoked_at = @Now WHERE id = @Id AND revoked_at IS NULL
        """;

    public async ValueTask<Unit> Handle(RevokeKey command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var revoked = await connection.ExecuteAsync(new CommandDefinition(Revoke, new { command.Id, Now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        return revoked == 1 ? Unit.Value : throw new NotFoundException("Key", command.Id);
    }
}
