using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// <c>PUT /scim/v2/Users/{id}</c>: replaces what the service keeps of a user. A left-out externalId or department is
/// cleared; a left-out <c>active</c> keeps what is stored, so that a replace never deactivates by omission. Identities
/// are only added: an address the person had keeps attributing what sources send under it.
/// </summary>
internal sealed record ReplaceScimUser(string Id, string? UserName, string? ExternalId, string? DisplayName, string? Team, bool? Active, string? Email)
    : ICommand<ScimUser>, IScimUserWrite;

internal sealed class ReplaceScimUserValidator : AbstractValidator<ReplaceScimUser>
{
    public ReplaceScimUserValidator() => Include(new ScimUserWriteValidator());
}

internal sealed class ReplaceScimUserHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<ReplaceScimUser, ScimUser>
{
    public async ValueTask<ScimUser> Handle(ReplaceScimUser command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            _ = await ScimUsers.FindAsync(connection, transaction, command.Id, cancellationToken) ?? throw new NotFoundException("User", command.Id);
            await ScimUsers.EnsureUniqueAsync(write, command.UserName!, command.Id);
            await ScimUsers.SaveAsync(write, audit, directory, command.Id, command, "scim.user.replaced", now);
            return (await ScimUsers.FindAsync(connection, transaction, command.Id, cancellationToken))!;
        }, cancellationToken);
    }
}
