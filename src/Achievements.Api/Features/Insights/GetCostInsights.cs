using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Insights;

/// <summary>
/// What AI use cost each team, and what it delivered: tokens, reported cost, counted outcomes, both per outcome,
/// per model and per week. Never per person: it answers "what does our AI use buy", not "who uses most".
/// </summary>
internal sealed record GetCostInsights(string GroupBy, string Window) : IQuery<CostInsights>;

internal sealed record CostInsights(string GroupBy, string Window, string From, string To, IReadOnlyList<CostGroup> Groups, CostFigures Total);

/// <summary>One team's figures, as <see cref="CostFigures"/>; <c>Team</c> is null for employees the directory puts in no team.</summary>
internal sealed record CostGroup(
    string? Team,
    int Employees,
    double Tokens,
    double? CostUsd,
    int Outcomes,
    double? TokensPerOutcome,
    double? CostPerOutcome,
    IReadOnlyList<ModelSpend> Models,
    IReadOnlyList<CostWeek> Weeks)
{
    public static CostGroup Of(string? team, int employees, CostFigures f) =>
        new(team, employees, f.Tokens, f.CostUsd, f.Outcomes, f.TokensPerOutcome, f.CostPerOutcome, f.Models, f.Weeks);
}

/// <summary>The figures of a group, or of everyone.</summary>
/// <param name="Tokens">Tokens consumed.</param>
/// <param name="CostUsd">The cost the sources reported, or null when none reported a cost.</param>
/// <param name="Outcomes">Outcomes that counted.</param>
/// <param name="TokensPerOutcome">Null without a counted outcome.</param>
/// <param name="CostPerOutcome">Null without a counted outcome or a reported cost.</param>
/// <param name="Models">Tokens and cost per model, most tokens first.</param>
/// <param name="Weeks">Every week of the window, oldest first, zeros included, so that a chart has no gaps.</param>
internal sealed record CostFigures(
    double Tokens,
    double? CostUsd,
    int Outcomes,
    double? TokensPerOutcome,
    double? CostPerOutcome,
    IReadOnlyList<ModelSpend> Models,
    IReadOnlyList<CostWeek> Weeks);

internal sealed record ModelSpend(string Model, double Tokens, double? CostUsd);

internal sealed record CostWeek(string Week, double Tokens, double? CostUsd, int Outcomes);

internal sealed class GetCostInsightsValidator : AbstractValidator<GetCostInsights>
{
    public GetCostInsightsValidator()
    {
        RuleFor(x => x.GroupBy).Equal("team").WithMessage("groupBy is team, the only grouping: the cost view never ranks people.");
        RuleFor(x => x.Window).Must(w => PolicyDuration.TryParse(w, out var span) && span >= TimeSpan.FromDays(7))
            .WithMessage("window is a duration from 7d to 365d, such as 90d or 12w.");
    }
}

internal sealed class GetCostInsightsHandler(IDbConnectionFactory connections, TimeProvider time) : IQueryHandler<GetCostInsights, CostInsights>
{
    // Summed per team, week and model in SQL: the view reads one row per group, not every employee's weeks.
    private const string SelectSpend = """
        SELECT e.team AS Team, s.week AS Week, s.model AS Model, SUM(s.tokens) AS Tokens, SUM(s.cost_usd) AS CostUsd
        FROM spend_weeks s JOIN employees e ON e.id = s.employee_id
        WHERE s.week BETWEEN @From AND @To
        GROUP BY e.team, s.week, s.model
        """;

    private const string SelectOutcomes = """
        SELECT e.team AS Team, o.week AS Week, SUM(o.outcomes) AS Outcomes
        FROM outcome_weeks o JOIN employees e ON e.id = o.employee_id
        WHERE o.week BETWEEN @From AND @To
        GROUP BY e.team, o.week
        """;

    private const string SelectEmployees = """
        SELECT e.team AS Team, COUNT(*) AS Employees
        FROM (SELECT employee_id FROM spend_weeks WHERE week BETWEEN @From AND @To
              UNION SELECT employee_id FROM outcome_weeks WHERE week BETWEEN @From AND @To) active
        JOIN employees e ON e.id = active.employee_id
        GROUP BY e.team
        """;

    public async ValueTask<CostInsights> Handle(GetCostInsights query, CancellationToken cancellationToken)
    {
        var weeks = CostWeeks.Covering(time.GetUtcNow(), query.Window);
        var range = new { From = weeks[0], To = weeks[^1] };
        await using var connection = await connections.OpenAsync(cancellationToken);
        var spend = (await connection.QueryAsync<SpendRow>(new CommandDefinition(SelectSpend, range, cancellationToken: cancellationToken))).ToList();
        var outcomes = (await connection.QueryAsync<OutcomeRow>(new CommandDefinition(SelectOutcomes, range, cancellationToken: cancellationToken))).ToList();
        var employees = await connection.QueryAsync<(string? Team, int Employees)>(new CommandDefinition(SelectEmployees, range, cancellationToken: cancellationToken));

        var spendOf = spend.ToLookup(s => s.Team);
        var outcomesOf = outcomes.ToLookup(o => o.Team);
        var groups = employees
            .Select(team => CostGroup.Of(team.Team, team.Employees, CostWeeks.Figures(weeks, spendOf[team.Team], outcomesOf[team.Team])))
            .OrderBy(g => g.Team is null).ThenBy(g => g.Team, StringComparer.Ordinal)
            .ToList();
        return new CostInsights(query.GroupBy, query.Window, weeks[0], weeks[^1], groups, CostWeeks.Figures(weeks, spend, outcomes));
    }
}

/// <summary>Tokens and reported cost of one week and model (of a team, or of one employee).</summary>
internal sealed record SpendRow
{
    public string? Team { get; init; }
    public required string Week { get; init; }
    public required string Model { get; init; }
    public double Tokens { get; init; }
    public double? CostUsd { get; init; }
}

/// <summary>Counted outcomes of one week (of a team, or of one employee).</summary>
internal sealed record OutcomeRow
{
    public string? Team { get; init; }
    public required string Week { get; init; }
    public int Outcomes { get; init; }
}

/// <summary>How the cost view turns weekly rows into figures, for a team, for everyone, and for one employee's own progress.</summary>
internal static class CostWeeks
{
    /// <summary>The weeks (Mondays, as stored) that a window up to now covers, oldest first: the window rounded out to whole weeks.</summary>
    public static IReadOnlyList<string> Covering(DateTimeOffset now, string window)
    {
        var span = PolicyDuration.TryParse(window, out var parsed) ? parsed : throw new ArgumentException(PolicyDuration.Rule, nameof(window));
        var first = SpendWeeks.WeekOf(now - span);
        var last = SpendWeeks.WeekOf(now);
        var weeks = new List<string>();
        for (var week = first; week <= last; week = week.AddDays(7))
        {
            weeks.Add(SpendRecord.Text(week));
        }

        return weeks;
    }

    /// <summary>One employee's own figures over <paramref name="window"/>, from their weeks as judged now: what their progress shows them.</summary>
    public static CostFigures OfEmployee(SpendWeeks judged, DateTimeOffset now, string window)
    {
        var weeks = Covering(now, window);
        return Figures(
            weeks,
            judged.Spend.Select(s => new SpendRow { Week = SpendRecord.Text(s.Week), Model = s.Model, Tokens = s.Tokens, CostUsd = s.CostUsd })
                .Where(s => string.CompareOrdinal(s.Week, weeks[0]) >= 0),
            judged.Outcomes.Select(o => new OutcomeRow { Week = SpendRecord.Text(o.Week), Outcomes = o.Outcomes })
                .Where(o => string.CompareOrdinal(o.Week, weeks[0]) >= 0));
    }

    public static CostFigures Figures(IReadOnlyList<string> weeks, IEnumerable<SpendRow> spendRows, IEnumerable<OutcomeRow> outcomeRows)
    {
        var spend = spendRows.ToList();
        var outcomes = outcomeRows.ToList();
        var tokens = spend.Sum(s => s.Tokens);
        var cost = SumOrNull(spend.Select(s => s.CostUsd));
        var counted = outcomes.Sum(o => o.Outcomes);
        var spendIn = spend.ToLookup(s => s.Week, StringComparer.Ordinal);
        var outcomesIn = outcomes.ToLookup(o => o.Week, StringComparer.Ordinal);
        return new CostFigures(
            tokens,
            cost,
            counted,
            counted == 0 ? null : tokens / counted,
            counted == 0 || cost is null ? null : cost / counted,
            [.. spend.GroupBy(s => s.Model, StringComparer.Ordinal)
                .Select(g => new ModelSpend(g.Key, g.Sum(s => s.Tokens), SumOrNull(g.Select(s => s.CostUsd))))
                .OrderByDescending(m => m.Tokens)],
            [.. weeks.Select(week => new CostWeek(
                week,
                spendIn[week].Sum(s => s.Tokens),
                SumOrNull(spendIn[week].Select(s => s.CostUsd)),
                outcomesIn[week].Sum(o => o.Outcomes)))]);
    }

    private static double? SumOrNull(IEnumerable<double?> costs)
    {
        double? sum = null;
        foreach (var cost in costs)
        {
            sum = cost is { } c ? (sum ?? 0) + c : sum;
        }

        return sum;
    }
}
