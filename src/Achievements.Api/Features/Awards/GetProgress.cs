using Achievements.Api.Features.History;
using Achievements.Api.Features.Insights;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// How far an employee is on every published badge, and why what they did counted or not: the page where
/// someone learns that three pull requests did not count because nobody else reviewed them.
/// It says when the tier is held back: <c>one-voice</c> (a tier above the lowest needs more distinct people
/// vouching for the work) or <c>unmeasured</c> (the badge reads volume no authoritative source reported).
/// Only the employee themselves and admins may read it. An award an admin revoked shows as revoked, so the
/// employee is not led to work towards a badge that will not be granted until it is restored.
/// </summary>
internal sealed record GetProgress(string EmployeeId) : IQuery<EmployeeProgress>;

/// <param name="Employee">Whose progress it is.</param>
/// <param name="Badges">Every published badge, with where the employee stands on it and why.</param>
/// <param name="Spend">The employee's own tokens, reported cost and counted outcomes over the last 90 days, by model and
/// week: the only place anyone sees one person's figures, and only that person (and admins).</param>
internal sealed record EmployeeProgress(string Employee, IReadOnlyList<BadgeProgress> Badges, CostFigures Spend);

internal sealed record BadgeProgress(
    string Badge,
    string Name,
    string Icon,
    string? Tier,
    string? Status,
    NextTier? Next,
    double Value,
    double Fraction,
    IReadOnlyList<RequirementProgress> Requirements,
    IReadOnlyList<SignalTally> Signals,
    VoiceProgress Voices,
    string? LimitedBy);

/// <summary>How many distinct people vouch for the work behind the badge, and how many a tier above the lowest needs.</summary>
internal sealed record VoiceProgress(int Count, int Needed);

internal sealed record NextTier(string Tier, double Threshold);

internal sealed record RequirementProgress(string Expression, bool Satisfied);

internal sealed class GetProgressHandler(IDbConnectionFactory connections, TimeProvider time) : IQueryHandler<GetProgress, EmployeeProgress>
{
    private const string SelectAwards = """
        SELECT badge_key AS BadgeKey, status AS Status, tier AS Tier, tier_rank AS TierRank
        FROM awards WHERE employee_id = @EmployeeId AND (status <> 'revoked' OR blocked = 1)
        """;

    public async ValueTask<EmployeeProgress> Handle(GetProgress query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var history = await context.LoadEmployeeAsync(connection, null, query.EmployeeId, cancellationToken)
            ?? throw new NotFoundException("Employee", query.EmployeeId);
        var counted = history.CountAsOf(now);
        var awards = (await connection.QueryAsync<(string BadgeKey, string Status, string Tier, long TierRank)>(new CommandDefinition(SelectAwards, query, cancellationToken: cancellationToken)))
            .ToDictionary(a => a.BadgeKey);

        var badges = context.Badges.Select(badge =>
        {
            var standing = context.Judge(badge, counted, now);
            var outcome = standing.Outcome;
            var held = awards.TryGetValue(badge.Key, out var award);
            var nextRank = held ? (int)award.TierRank + 1 : 0;
            var tiers = badge.Definition.Tiers;
            var next = nextRank < tiers.Count ? new NextTier(tiers[nextRank].Name!, tiers[nextRank].Threshold) : null;
            var fraction = next is null ? 1 : Math.Clamp(outcome.Value / next.Threshold, 0, 1);
            return new BadgeProgress(
                badge.Key,
                badge.Definition.Name,
                badge.Definition.Icon,
                held ? award.Tier : null,
                held ? award.Status : null,
                next,
                outcome.Value,
                fraction,
                [.. badge.Definition.Requires.Select((source, i) => new RequirementProgress(source, outcome.RequirementsMet[i]))],
                [.. badge.Signals.Select(use => counted.Tally(use.Signal, use.Window, now))],
                new VoiceProgress(standing.Voices, standing.VoicesNeeded),
                standing.Limit);
        });
        return new EmployeeProgress(query.EmployeeId, [.. badges], CostWeeks.OfEmployee(SpendWeeks.Of(counted, context.Catalog, now), now, "90d"));
    }
}
