using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Gaming;

/// <summary>
/// An admin's verdict on an open flag. Dismissing turns the held awards active again. Confirming revokes them
/// (blocked, as an admin revocation), and for a ring or a closed circle the approvals between its members stop
/// counting (reason <c>collusion</c>).
/// </summary>
internal sealed record ResolveFlag(long Id, bool Confirm, string? Note) : ICommand<Flag>;

internal sealed class ResolveFlagValidator : AbstractValidator<ResolveFlag>
{
    public ResolveFlagValidator() =>
        RuleFor(x => x.Note).MaximumLength(1000).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
}

internal sealed class ResolveFlagHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, AwardLedger ledger) : ICommandHandler<ResolveFlag, Flag>
{
    private const string SelectFlag = $"SELECT {FlagRow.Columns} FROM flags WHERE id = @Id";

    private const string Resolve = """
        UPDATE flags SET status = @Status, note = @Note, resolved_at = @Now WHERE id = @Id AND status = 'open'
        """;

    private const string InsertCollusion = "INSERT INTO collusion_groups (flag_id, employee_id) VALUES (@FlagId, @EmployeeId)";

    public async ValueTask<Flag> Handle(ResolveFlag command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            var flag = await connection.QuerySingleOrDefaultAsync<FlagRow>(new CommandDefinition(SelectFlag, command, transaction, cancellationToken: cancellationToken))
                ?? throw new NotFoundException("Flag", command.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (flag.Status != "open")
            {
                throw new ConflictException($"Flag {command.Id} is already {flag.Status}.");
            }

            var status = command.Confirm ? "confirmed" : "dismissed";
            await connection.ExecuteAsync(new CommandDefinition(Resolve, new { command.Id, Status = status, command.Note, Now = now }, transaction, cancellationToken: cancellationToken));
            var collusion = Finding.Colluding.Contains(flag.Detector);
            if (command.Confirm && collusion)
            {
                await connection.ExecuteAsync(new CommandDefinition(InsertCollusion, flag.Members.Select(m => new { FlagId = flag.Id, EmployeeId = m }), transaction, cancellationToken: cancellationToken));
            }

            foreach (var employee in flag.Members)
            {
                _ = command.Confirm
                    ? await ledger.BlockHeldAsync(write, employee, collusion ? ExclusionReason.Collusion : flag.Detector, now)
                    : await ledger.ReleaseAsync(write, employee, now);
            }

            await audit.RecordAsync(connection, transaction, $"flag.{status}", new { flag.Id, flag.Detector, employees = flag.Members, command.Note }, cancellationToken);
            await EvaluationQueue.EnqueueAsync(connection, transaction, flag.Members, now, cancellationToken);
            return (flag with { Status = status, Note = command.Note, ResolvedAt = now }).ToFlag();
        }, cancellationToken);
    }
}
