using Achievements.Api.Engine.Queue;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// An admin revokes an award; evaluation never grants it again until it is restored. The tier is kept on the
/// row (hidden from every read) so that a restore gives back exactly what was taken.
/// </summary>
internal sealed record RevokeAward(string EmployeeId, string BadgeKey, string? Reason) : ICommand;

/// <summary>Lifts an admin's revocation: the award is active again at the tier it had, and the employee is re-evaluated.</summary>
internal sealed record RestoreAward(string EmployeeId, string BadgeKey) : ICommand;

internal sealed class RevokeAwardValidator : AbstractValidator<RevokeAward>
{
    public RevokeAwardValidator() =>
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Say why the award is revoked; the employee's history shows it.")
            .MaximumLength(500).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
}

internal sealed class RevokeAwardHandler(IDbConnectionFactory connections, TimeProvider time, AwardLedger ledger)
    : ICommandHandler<RevokeAward>, ICommandHandler<RestoreAward>
{
    public async ValueTask<Unit> Handle(RevokeAward command, CancellationToken cancellationToken)
    {
        await ChangeAsync(command.EmployeeId, (write, now) => ledger.RevokeAsync(write, command.EmployeeId, command.BadgeKey, command.Reason!, now), "Award", command.BadgeKey, cancellationToken);
        return Unit.Value;
    }

    public async ValueTask<Unit> Handle(RestoreAward command, CancellationToken cancellationToken)
    {
        await ChangeAsync(command.EmployeeId, (write, now) => ledger.RestoreAsync(write, command.EmployeeId, command.BadgeKey, now), "Revoked award", command.BadgeKey, cancellationToken);
        return Unit.Value;
    }

    /// <summary>The change and the employee's re-evaluation commit together; nothing to change is a 404.</summary>
    private async Task ChangeAsync(string employeeId, Func<WriteScope, DateTimeOffset, Task<bool>> change, string what, string badgeKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            if (!await change(new WriteScope(connection, transaction, afterCommit, cancellationToken), now))
            {
                throw new NotFoundException(what, $"{employeeId}/{badgeKey}");
            }

            await EvaluationQueue.EnqueueAsync(connection, transaction, [employeeId], now, cancellationToken);
            return true;
        }, cancellationToken);
    }
}
