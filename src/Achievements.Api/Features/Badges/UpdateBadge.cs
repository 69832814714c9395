using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>Stores a new draft version. The published version keeps running until this one is published.</summary>
/// <remarks>The body may repeat the key (clients often send the create shape again); if it does, it must match.</remarks>
internal sealed record UpdateBadge(
    string Key,
    string? BodyKey,
    string? Name,
    string? Description,
    string? Icon,
    string? Metric,
    List<string>? Requires,
    List<TierDefinition>? Tiers,
    string? ExpiresAfter = null) : ICommand<BadgeView>, IBadgeDefinition;

internal sealed class UpdateBadgeValidator : AbstractValidator<UpdateBadge>
{
    public UpdateBadgeValidator()
    {
        RuleFor(x => x.BodyKey).Must((command, key) => key is null || key == command.Key).OverridePropertyName("key")
            .WithMessage("The key in the body differs from the key in the path; a badge's key cannot change.");
        Include(new BadgeDefinitionValidator());
    }
}

internal sealed class UpdateBadgeHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit) : ICommandHandler<UpdateBadge, BadgeView>
{
    public async ValueTask<BadgeView> Handle(UpdateBadge command, CancellationToken cancellationToken)
    {
        var definition = command.ToDefinition();
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);

        return await connection.InTransactionAsync(async transaction =>
        {
            // A new version and a publish of the badge take turns, on every instance (PublishBadge).
            await SqlDialect.TakeTurnAsync(connection, transaction, $"badge.{command.Key}", cancellationToken);
            var latest = await BadgeVersions.FindLatestAsync(connection, command.Key, cancellationToken, transaction)
                ?? throw new NotFoundException("Badge", command.Key);
            var version = (int)latest.Version + 1;
            BadgeRules.Compile(command.Key, version, definition, catalog.ToRuleCatalog());
            await BadgeVersions.InsertAsync(connection, transaction, command.Key, version, definition, now, cancellationToken);
            await audit.RecordAsync(connection, transaction, "badge.updated", new { version, definition }, cancellationToken, badgeKey: command.Key);
            return BadgeView.From((await BadgeVersions.FindLatestAsync(connection, command.Key, cancellationToken, transaction))!);
        }, cancellationToken);
    }
}
