using Achievements.Api.Features.Evaluation;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Who would earn a definition if it were published now, over the stored events, writing nothing: how many
/// reach each tier (as their highest) and the top 50 by value.
/// </summary>
internal sealed record PreviewBadge(
    string? Key,
    string? Name,
    string? Description,
    string? Icon,
    string? Metric,
    List<string>? Requires,
    List<TierDefinition>? Tiers) : IQuery<BadgePreview>, IBadgeDefinition;

internal sealed record BadgePreview(int EvaluatedEmployees, IReadOnlyList<TierCount> Tiers, IReadOnlyList<PreviewStanding> Top);

internal sealed record TierCount(string Name, double Threshold, int Count);

internal sealed record PreviewStanding(string Employee, double Value, string? Tier);

internal sealed class PreviewBadgeValidator : AbstractValidator<PreviewBadge>
{
    public PreviewBadgeValidator() => Include(new BadgeDefinitionValidator());
}

internal sealed class PreviewBadgeHandler(IDbConnectionFactory connections, TimeProvider time) : IQueryHandler<PreviewBadge, BadgePreview>
{
    public const int TopCount = 50;

    public async ValueTask<BadgePreview> Handle(PreviewBadge query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var badge = BadgeCompiler.Compile(query.Key ?? "preview", 0, BadgeDefinition.From(query), context.RuleCatalog);

        var standings = new List<PreviewStanding>();
        var ranks = new List<int>();
        foreach (var employee in await EvaluationContext.ActiveEmployeesAsync(connection, cancellationToken))
        {
            var history = await context.LoadEmployeeAsync(connection, null, employee, cancellationToken);
            var standing = context.Judge(badge, history!.CountAsOf(now), now);
            ranks.Add(standing.TierRank);
            standings.Add(new PreviewStanding(employee, standing.Outcome.Value, badge.TierName(standing.TierRank)));
        }

        var tiers = badge.Definition.Tiers.Select((tier, rank) => new TierCount(tier.Name!, tier.Threshold, ranks.Count(r => r == rank))).ToList();
        var top = standings.Where(s => s.Value > 0).OrderByDescending(s => s.Value).ThenBy(s => s.Employee, StringComparer.Ordinal).Take(TopCount).ToList();
        return new BadgePreview(standings.Count, tiers, top);
    }
}
