using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
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

internal sealed class RevokeAwardHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit)
    : ICommandHandler<RevokeAward>, ICommandHandler<RestoreAward>
{
    private const string Revoke = """
        UPDATE awards SET status = 'revoked', blocked = 1, reason = @Reason, updated_at = @Now
        WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey AND tier_rank >= 0 AND blocked = 0
        RETURNING tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string Restore = """
        UPDATE awards SET status = 'active', blocked = 0, reason = NULL, updated_at = @Now
        WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey AND blocked = 1
        RETURNING tier AS Tier, badge_version AS Version, value AS Value
        """;

    public ValueTask<Unit> Handle(RevokeAward command, CancellationToken cancellationToken) =>
        ChangeAsync(Revoke, "revoked", command.EmployeeId, command.BadgeKey, command.Reason, cancellationToken);

    public ValueTask<Unit> Handle(RestoreAward command, CancellationToken cancellationToken) =>
        ChangeAsync(Restore, "restored", command.EmployeeId, command.BadgeKey, null, cancellationToken);

    private async ValueTask<Unit> ChangeAsync(string sql, string action, string employeeId, string badgeKey, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.InTransactionAsync(async transaction =>
        {
            var parameters = new { EmployeeId = employeeId, BadgeKey = badgeKey, Reason = reason, Now = now };
            var changed = await connection.QuerySingleOrDefaultAsync<(string? Tier, long Version, double Value)?>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))
                ?? throw new NotFoundException(action == "revoked" ? "Award" : "Revoked award", $"{employeeId}/{badgeKey}");
            await AwardHistory.RecordAsync(connection, transaction, audit, new AwardChange(employeeId, badgeKey, action, changed.Tier, changed.Version, changed.Value, reason), now, cancellationToken);
            await EvaluationQueueing.EnqueueAsync(connection, transaction, [employeeId], now, cancellationToken);
            return true;
        }, cancellationToken);
        return Unit.Value;
    }
}
