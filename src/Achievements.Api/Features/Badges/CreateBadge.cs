using System.Text.RegularExpressions;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>Creates a badge as a draft, version 1. Nothing is evaluated until it is published.</summary>
internal sealed record CreateBadge(
    string? Key,
    string? Name,
    string? Description,
    string? Icon,
    string? Metric,
    List<string>? Requires,
    List<TierDefinition>? Tiers,
    string? ExpiresAfter = null) : ICommand<BadgeView>, IBadgeDefinition;

internal sealed partial class CreateBadgeValidator : AbstractValidator<CreateBadge>
{
    public CreateBadgeValidator()
    {
        RuleFor(x => x.Key).NotEmpty().Matches(KeyPattern()).WithMessage("A badge key is 2-48 characters of a-z, 0-9 and '-', such as merge-master.");
        Include(new BadgeDefinitionValidator());
    }

    [GeneratedRegex("^[a-z0-9-]{2,48}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}

internal sealed class CreateBadgeHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit) : ICommandHandler<CreateBadge, BadgeView>
{
    private const string InsertBadge = """
        INSERT INTO badges (key, status, live_version, created_at, updated_at)
        VALUES (@Key, 'draft', NULL, @Now, @Now)
        ON CONFLICT (key) DO NOTHING
        """;

    public async ValueTask<BadgeView> Handle(CreateBadge command, CancellationToken cancellationToken)
    {
        var definition = command.ToDefinition();
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);
        BadgeRules.Compile(command.Key!, 1, definition, catalog.ToRuleCatalog());

        return await connection.InTransactionAsync(async transaction =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(InsertBadge, new { command.Key, Now = now }, transaction, cancellationToken: cancellationToken)) == 0)
            {
                throw new ConflictException($"The badge key '{command.Key}' is taken.");
            }

            await BadgeVersions.InsertAsync(connection, transaction, command.Key!, 1, definition, now, cancellationToken);
            await audit.RecordAsync(connection, transaction, "badge.created", new { version = 1, definition }, cancellationToken, badgeKey: command.Key);
            var row = await BadgeVersions.FindLatestAsync(connection, command.Key!, cancellationToken, transaction);
            return BadgeView.From(row!);
        }, cancellationToken);
    }
}
