using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Queue;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Signals;

/// <summary>
/// Replaces a signal's policy: settlement, correction, daily cap, qualify conditions, shipping, voices and
/// authoritative sources. Kind and attributes
/// are fixed, so no policy change can turn spend into an outcome. Everyone is re-evaluated, since what
/// counts has changed; awards already held stay unless a correction takes them back.
/// </summary>
internal sealed record UpdateSignalPolicy(
    string Type,
    string? Description,
    string? Settlement,
    CorrectedBy? CorrectedBy,
    int? DailyCap,
    List<QualifyCondition>? Qualify,
    ShippedBy? ShippedBy = null,
    Voices? Voices = null,
    List<string>? AuthoritativeSources = null) : ICommand<SignalView>, ISignalPolicy;

internal sealed class UpdateSignalPolicyValidator : AbstractValidator<UpdateSignalPolicy>
{
    public UpdateSignalPolicyValidator()
    {
        RuleFor(x => x.Description).MaximumLength(500).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        Include(new SignalPolicyValidator());
    }
}

internal sealed class UpdateSignalPolicyHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit) : ICommandHandler<UpdateSignalPolicy, SignalView>
{
    private const string UpdatePolicy = """
        UPDATE signals SET description = @Description, settlement = @Settlement, corrected_by = @CorrectedBy,
               daily_cap = @DailyCap, qualify = @Qualify, shipped_by = @ShippedBy, voices = @Voices,
               authoritative_sources = @AuthoritativeSources, updated_at = @Now
        WHERE type = @Type
        """;

    public async ValueTask<SignalView> Handle(UpdateSignalPolicy command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async transaction =>
        {
            var catalog = await SignalStore.LoadAsync(connection, cancellationToken, transaction);
            var before = catalog.Find(command.Type) ?? throw new NotFoundException("Signal", command.Type);
            var after = before with
            {
                Description = string.IsNullOrEmpty(command.Description) ? before.Description : command.Description,
                Settlement = command.Settlement,
                CorrectedBy = command.CorrectedBy,
                DailyCap = command.DailyCap,
                Qualify = command.Qualify ?? [],
                ShippedBy = command.ShippedBy,
                Voices = command.Voices,
                AuthoritativeSources = command.AuthoritativeSources ?? [],
            };
            SignalPolicyCheck.Ensure(after, catalog);

            var row = SignalStore.Columns(after);
            await connection.ExecuteAsync(new CommandDefinition(UpdatePolicy, new { after.Type, after.Description, after.Settlement, row.CorrectedBy, after.DailyCap, row.Qualify, row.ShippedBy, row.Voices, row.AuthoritativeSources, Now = now }, transaction, cancellationToken: cancellationToken));
            await audit.RecordAsync(connection, transaction, "signal.policy-changed", new { before = SignalView.From(before), after = SignalView.From(after) }, cancellationToken);
            await EvaluationQueue.EnqueueEveryoneAsync(connection, transaction, now, cancellationToken);
            return SignalView.From(after);
        }, cancellationToken);
    }
}
