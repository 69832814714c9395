using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// <c>DELETE /scim/v2/Users/{id}</c>: the identity provider has let the person go. Nothing is deleted: the employee is
/// deactivated, as by <c>active: false</c>, and stops being a SCIM user (its userName and externalId are forgotten), so a
/// read answers 404 as RFC 7644 §3.6 asks. Their awards, events and identities stay, and provisioning the same address
/// again links the same employee back (decision 0017).
/// </summary>
internal sealed record DeleteScimUser(string Id) : ICommand;

internal sealed class DeleteScimUserHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<DeleteScimUser>
{
    private const string Forget = "UPDATE employees SET scim_user_name = NULL, external_id = NULL WHERE id = @Id";

    public async ValueTask<Unit> Handle(DeleteScimUser command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            var user = await ScimUsers.FindAsync(connection, transaction, command.Id, cancellationToken) ?? throw new NotFoundException("User", command.Id);
            var deactivated = new ReplaceScimUser(user.Id, user.UserName, user.ExternalId, user.DisplayName, user.Team, Active: false, Email: null);
            await ScimUsers.SaveAsync(write, audit, directory, user.Id, deactivated, "scim.user.deleted", now);
            await connection.ExecuteAsync(write.Command(Forget, new { user.Id }));
            return Unit.Value;
        }, cancellationToken);
    }
}
