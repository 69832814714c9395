using Achievements.Api.Engine.History;
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
/// employee is not led to work towards a badge that will not be granted until it is restored. An award that ran out
/// shows as expired, with the tier it had, and the progress towards earning it again counts only what happened since
/// it was granted (<see cref="Awarding.Earning"/>). Hidden badges are here too, marked, and so is whether the employee
/// is listed in the directory at all.
/// </summary>
internal sealed record GetProgress(string EmployeeId) : IQuery<EmployeeProgress>;

/// <param name="Employee">Whose progress it is.</param>
/// <param name="Badges">Every published badge, with where the employee stands on it and why.</param>
/// <param name="Spend">The employee's own tokens, reported cost and counted outcomes over the last 90 days, by model and
/// week: the only place anyone sees one person's figures, and only that person (and admins).</param>
/// <param name="Listed">False once the employee left the directory.</param>
internal sealed record EmployeeProgress(string Employee, IReadOnlyList<BadgeProgress> Badges, CostFigures Spend, bool Listed);

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
    string? LimitedBy,
    bool Visible,
    DateTimeOffset? ExpiresAt);

/// <summary>How many distinct people vouch for the work behind the badge, and how many a tier above the lowest needs.</summary>
internal sealed record VoiceProgress(int Count, int Needed);

internal sealed record NextTier(string Tier, double Threshold);

internal sealed record RequirementProgress(string Expression, bool Satisfied);

internal sealed class GetProgressHandler(IDbConnectionFactory connections, TimeProvider time) : IQueryHandler<GetProgress, EmployeeProgress>
{
    private const string SelectAwards = """
        SELECT badge_key AS BadgeKey, status AS Status, tier AS Tier, tier_rank AS TierRank, awarded_at AS AwardedAt, expires_at AS ExpiresAt
        FROM awards WHERE employee_id = @EmployeeId AND (status <> 'revoked' OR blocked = 1)
        """;

    private const string SelectHidden = "SELECT badge_key FROM hidden_badges WHERE employee_id = @EmployeeId";

    private const string SelectListed = "SELECT listed FROM employees WHERE id = @EmployeeId";

    public async ValueTask<EmployeeProgress> Handle(GetProgress query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var history = await context.LoadEmployeeAsync(connection, null, query.EmployeeId, cancellationToken)
            ?? throw new NotFoundException("Employee", query.EmployeeId);
        var counted = history.CountAsOf(now);
        var awards = (await connection.QueryAsync<ProgressAward>(new CommandDefinition(SelectAwards, query, cancellationToken: cancellationToken)))
            .ToDictionary(a => a.BadgeKey);
        var hidden = (await connection.QueryAsync<string>(new CommandDefinition(SelectHidden, query, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var listed = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SelectListed, query, cancellationToken: cancellationToken));

        var badges = context.Badges.Select(badge =>
        {
            var held = awards.TryGetValue(badge.Key, out var award);
            var expired = held && award!.Status == AwardStatus.Expired;
            // What earns an expired award again is only what happened since it was granted, as evaluation judges it.
            var earning = Awarding.Earning(history, counted, held ? award!.State : null, now);
            var standing = context.Judge(badge, earning, now);
            var outcome = standing.Outcome;
            var nextRank = held && !expired ? (int)award!.TierRank + 1 : 0;
            var tiers = badge.Definition.Tiers;
            var next = nextRank < tiers.Count ? new NextTier(tiers[nextRank].Name!, tiers[nextRank].Threshold) : null;
            var fraction = next is null ? 1 : Math.Clamp(outcome.Value / next.Threshold, 0, 1);
            return new BadgeProgress(
                badge.Key,
                badge.Definition.Name,
                badge.Definition.Icon,
                held ? award!.Tier : null,
                held ? award!.Status : null,
                next,
                outcome.Value,
                fraction,
                [.. badge.Definition.Requires.Select((source, i) => new RequirementProgress(source, outcome.RequirementsMet[i]))],
                [.. badge.Signals.Select(use => Attributed(earning.Tally(use.Signal, use.Window, now), badge, context.Catalog))],
                new VoiceProgress(standing.Voices, standing.VoicesNeeded),
                standing.Limit,
                !hidden.Contains(badge.Key),
                held ? award!.ExpiresAt : null);
        });
        return new EmployeeProgress(query.EmployeeId, [.. badges], CostWeeks.OfEmployee(SpendWeeks.Of(counted, context.Catalog, now), now, "90d"), listed);
    }

    /// <summary>
    /// A tally keeps its per-outcome attribution only on a badge whose rule reads the attribute evidence decides (Frugal
    /// Builder's <c>ai_assisted</c>): where it matters, why each merge is or is not AI-assisted; elsewhere, nothing. A
    /// rule names an attribute by its identifier, so a whole-word match of the rule's source finds it.
    /// </summary>
    private static SignalTally Attributed(SignalTally tally, CompiledBadge badge, SignalCatalog catalog) =>
        tally.Attribution is null || catalog.Find(tally.Type)?.Attribution is not { } attribution
            || badge.Requires.Prepend(badge.Metric).Any(rule => System.Text.RegularExpressions.Regex.IsMatch(rule.Source, $@"\b{attribution.Attribute}\b"))
            ? tally
            : tally with { Attribution = null };

    private sealed record ProgressAward
    {
        public required string BadgeKey { get; init; }
        public required string Status { get; init; }
        public string? Tier { get; init; }
        public long TierRank { get; init; }
        public DateTimeOffset AwardedAt { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }

        public AwardState State => new(Status, (int)TierRank, [], AwardedAt, Blocked: false, ExpiresAt);
    }
}
