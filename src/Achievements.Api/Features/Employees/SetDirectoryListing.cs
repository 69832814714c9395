using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Employees;

/// <summary>
/// An employee leaves the directory altogether, or comes back: unlisted, their badges, SVG and card answer 404 as if
/// they had none to show, and they are nobody's holder. They keep earning, and their progress is theirs to see.
/// </summary>
internal sealed record SetDirectoryListing(string EmployeeId, bool? Listed) : ICommand<DirectoryListing>;

internal sealed record DirectoryListing(string Employee, bool Listed);

internal sealed class SetDirectoryListingValidator : AbstractValidator<SetDirectoryListing>
{
    public SetDirectoryListingValidator() =>
        RuleFor(x => x.Listed).NotNull().WithMessage("listed is true to be shown in the directory, false to leave it.");
}

internal sealed class SetDirectoryListingHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory)
    : ICommandHandler<SetDirectoryListing, DirectoryListing>
{
    private const string SetListed = "UPDATE employees SET listed = @Listed, updated_at = @Now WHERE id = @EmployeeId";

    private const string ListedNow = "SELECT listed FROM employees WHERE id = @EmployeeId";

    public async ValueTask<DirectoryListing> Handle(SetDirectoryListing command, CancellationToken cancellationToken)
    {
        var listed = command.Listed!.Value;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            var before = await connection.ExecuteScalarAsync<long?>(write.Command(ListedNow, new { command.EmployeeId }))
                ?? throw new NotFoundException("Employee", command.EmployeeId);
            if ((before != 0) != listed)
            {
                await connection.ExecuteAsync(write.Command(SetListed, new { command.EmployeeId, Listed = listed ? 1 : 0, Now = time.GetUtcNow() }));
                await audit.RecordAsync(connection, transaction, listed ? "employee.listed" : "employee.unlisted", new { }, cancellationToken, command.EmployeeId);
                directory.Changed(write, command.EmployeeId);
            }

            return true;
        }, cancellationToken);
        return new DirectoryListing(command.EmployeeId, listed);
    }
}
