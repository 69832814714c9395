using Achievements.Api.Engine.History;
using Achievements.Api.Features.Gaming;
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
    List<TierDefinition>? Tiers,
    string? ExpiresAfter = null) : IQuery<BadgePreview>, IBadgeDefinition;

internal sealed record BadgePreview(int EvaluatedEmployees, IReadOnlyList<TierCount> Tiers, IReadOnlyList<PreviewStanding> Top, IReadOnlyList<PreviewWarning> Warnings);

/// <summary>Something an admin should know before publishing: a persona that beats the rule, or a rule too easy to mean anything.</summary>
internal sealed record PreviewWarning(string Code, string Message, string? Persona = null, string? Employee = null, string? Tier = null, string? GenuineTier = null)
{
    public const string PersonaBeatsRule = "persona-beats-rule";
    public const string TooEasy = "too-easy";
}

internal sealed record TierCount(string Name, double Threshold, int Count);

internal sealed record PreviewStanding(string Employee, double Value, string? Tier);

internal sealed class PreviewBadgeValidator : AbstractValidator<PreviewBadge>
{
    public PreviewBadgeValidator() => Include(new BadgeDefinitionValidator());
}

internal sealed class PreviewBadgeHandler(IDbConnectionFactory connections, TimeProvider time, AdversarialGate gate) : IQueryHandler<PreviewBadge, BadgePreview>
{
    public const int TopCount = 50;

    public async ValueTask<BadgePreview> Handle(PreviewBadge query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var badge = BadgeRules.Compile(query.Key ?? "preview", 0, query.ToDefinition(), context.RuleCatalog);

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
        var warnings = gate.Run([badge], context.Catalog, now).Beaten
            .Select(v => new PreviewWarning(PreviewWarning.PersonaBeatsRule,
                $"The {v.Persona} persona's farming would earn {v.Tier} where its genuine work alone earns {v.GenuineTier ?? "nothing"}; publishing would be refused.",
                v.Persona, v.Employee, v.Tier, v.GenuineTier))
            .ToList();
        // A badge most people hold says nothing about anyone.
        if (standings.Count > 0 && ranks.Count(r => r >= 0) * 2 > standings.Count)
        {
            warnings.Add(new PreviewWarning(PreviewWarning.TooEasy, $"{ranks.Count(r => r >= 0)} of {standings.Count} employees would reach the lowest tier; more than half makes it meaningless."));
        }

        return new BadgePreview(standings.Count, tiers, top, warnings);
    }
}
