using System.Data.Common;
using Achievements.Api.Features.Badges;
using Achievements.Api.Features.Signals;
using Dapper;
using SignalCatalog = Achievements.Api.Features.Signals.SignalCatalog;

namespace Achievements.Api.Features.Evaluation;

/// <summary>
/// What one evaluation pass needs once rather than per employee: the catalog and its compiled policy,
/// the live badges, and who the bots are.
/// </summary>
internal sealed class EvaluationContext
{
    private const string SelectBots = "SELECT id FROM employees WHERE is_bot = 1";

    private const string SelectCollusion = "SELECT flag_id AS \"Group\", employee_id AS Employee FROM collusion_groups";

    // Employees with an open ring or burst flag: their grants and upgrades are held for review.
    private const string SelectHeld = """
        SELECT DISTINCT m.employee_id FROM flag_members m JOIN flags f ON f.id = m.flag_id
        WHERE f.status = 'open' AND f.detector IN ('review-ring', 'burst')
        """;

    private const string SelectEmployee = "SELECT id AS Id, is_bot AS IsBot FROM employees WHERE id = @Id";

    public required SignalCatalog Catalog { get; init; }
    public required Rules.SignalCatalog RuleCatalog { get; init; }
    public required CountingPolicy Policy { get; init; }
    public required IReadOnlyList<CompiledBadge> Badges { get; init; }
    public required IReadOnlySet<string> Bots { get; init; }
    public required DateTimeOffset Now { get; init; }
    public CollusionGroups Collusion { get; init; } = CollusionGroups.None;
    public IReadOnlySet<string> Held { get; init; } = new HashSet<string>();

    public static async Task<EvaluationContext> LoadAsync(DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var catalog = await SignalCatalog.LoadAsync(connection, cancellationToken);
        var ruleCatalog = catalog.ToRuleCatalog();
        var bots = await connection.QueryAsync<string>(new CommandDefinition(SelectBots, cancellationToken: cancellationToken));
        return new EvaluationContext
        {
            Catalog = catalog,
            RuleCatalog = ruleCatalog,
            Policy = CountingPolicy.Compile(catalog),
            Badges = await BadgeVersions.LoadLiveAsync(connection, ruleCatalog, cancellationToken),
            Bots = bots.ToHashSet(StringComparer.Ordinal),
            Now = now,
            Collusion = CollusionGroups.From(await connection.QueryAsync<(long Group, string Employee)>(new CommandDefinition(SelectCollusion, cancellationToken: cancellationToken))),
            Held = (await connection.QueryAsync<string>(new CommandDefinition(SelectHeld, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>The outcome signals among those a badge reads: the only ones that can be an award's evidence.</summary>
    public IEnumerable<Rules.SignalUse> OutcomeUses(CompiledBadge badge) =>
        badge.Signals.Where(use => Catalog.Find(use.Signal)?.Kind == SignalDefinition.Outcome);

    /// <summary>
    /// Where an employee stands on a badge now: the outcome, the counted outcome events behind it, and the tier.
    /// No counted outcome, no tier: a constant in a metric must not hand badges to people who did nothing.
    /// </summary>
    public BadgeStanding Judge(CompiledBadge badge, CountedEvents counted, DateTimeOffset moment)
    {
        var outcome = badge.Evaluate(counted.Counted, moment);
        var evidence = counted.Evidence(OutcomeUses(badge), moment);
        return new BadgeStanding(outcome, evidence, evidence.Count == 0 ? -1 : outcome.TierRank);
    }

    /// <summary>The non-bot employees who have any event: the population previews run over.</summary>
    public static async Task<IReadOnlyList<string>> ActiveEmployeesAsync(DbConnection connection, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<string>(new CommandDefinition(SelectActiveEmployees, cancellationToken: cancellationToken))];

    private const string SelectActiveEmployees = """
        SELECT e.id FROM employees e
        WHERE e.is_bot = 0 AND EXISTS (SELECT 1 FROM events v WHERE v.actor = e.id)
        ORDER BY e.id
        """;

    /// <summary>Loads one employee's events and reads them, with the corrections that apply to them.</summary>
    public async Task<EmployeeHistory?> LoadEmployeeAsync(DbConnection connection, DbTransaction? transaction, string employeeId, CancellationToken cancellationToken)
    {
        var employee = await connection.QuerySingleOrDefaultAsync<(string Id, long IsBot)?>(new CommandDefinition(SelectEmployee, new { Id = employeeId }, transaction, cancellationToken: cancellationToken));
        if (employee is null)
        {
            return null;
        }

        var events = HistoryReader.Read(connection, employeeId, Policy, Bots);
        var corrections = await CorrectionIndex.LoadAsync(connection, transaction, events, cancellationToken);
        return new EmployeeHistory(employeeId, employee.Value.IsBot != 0, events, corrections, this);
    }
}

internal sealed record BadgeStanding(BadgeOutcome Outcome, IReadOnlyList<long> Evidence, int TierRank);

/// <summary>One employee's events, ready to be judged as of any moment.</summary>
internal sealed record EmployeeHistory(string EmployeeId, bool IsBot, IReadOnlyList<ReadEvent> Events, CorrectionIndex Corrections, EvaluationContext Context)
{
    public CountedEvents CountAsOf(DateTimeOffset moment) => Context.Policy.Classify(Events, IsBot, Corrections, Context.Collusion, moment);
}
