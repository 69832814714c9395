namespace Achievements.Scoring;

/// <summary>One employee's spend on one model in one week (weeks start on Monday, UTC).</summary>
/// <param name="Week">The week's Monday.</param>
/// <param name="Model">The model the source named; empty when it named none.</param>
/// <param name="Tokens">Tokens consumed.</param>
/// <param name="CostUsd">What the sources reported it cost, or null when none of its reports carried a cost.</param>
public sealed record WeeklySpend(DateOnly Week, string Model, double Tokens, double? CostUsd);

/// <summary>One employee's counted outcomes in one week.</summary>
public sealed record WeeklyOutcomes(DateOnly Week, int Outcomes);

/// <summary>What an employee's weeks cost and what they delivered: the cost view's rows, reduced once per evaluation.</summary>
public sealed record SpendWeeks(IReadOnlyList<WeeklySpend> Spend, IReadOnlyList<WeeklyOutcomes> Outcomes)
{
    /// <summary>The cost view covers at most a year.</summary>
    public const int Weeks = 53;

    /// <summary>
    /// Reduces judged events to weekly rows for the <see cref="Weeks"/> weeks up to <paramref name="now"/>. Spend is the
    /// spend signal's tokens (and <c>cost_usd</c> where reported) per model, of the reports <see cref="SpendReports"/>
    /// counts, so one usage reported twice counts once. Outcomes are the outcome events that count.
    /// </summary>
    public static SpendWeeks Of(CountedEvents counted, SignalCatalog catalog, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(counted);
        ArgumentNullException.ThrowIfNull(catalog);
        var from = WeekOf(now).AddDays(-7 * (Weeks - 1));
        var spend = SpendReports.Counted(counted.All.Where(e => e.Stored.OccurredAt <= now), catalog)
            .Where(e => e.Week >= from)
            .GroupBy(e => (e.Week, Model: SpendReports.ModelOf(e.Event)))
            .Select(g => new WeeklySpend(
                g.Key.Week,
                g.Key.Model,
                g.Sum(e => e.Event.AttributeNumber(BuiltInSignals.Spend.Tokens)),
                g.Any(e => HasNumber(e.Event, BuiltInSignals.Spend.Cost))
                    ? g.Sum(e => e.Event.AttributeNumber(BuiltInSignals.Spend.Cost))
                    : null))
            .OrderBy(s => s.Week).ThenBy(s => s.Model, StringComparer.Ordinal)
            .ToList();
        var outcomes = counted.All
            .Where(e => e.Stored.OccurredAt <= now && e.Counts && e.Kind == SignalDefinition.Outcome)
            .Select(e => (Event: e, Week: WeekOf(e.Stored.OccurredAt)))
            .Where(e => e.Week >= from)
            .GroupBy(e => e.Week)
            .Select(g => new WeeklyOutcomes(g.Key, g.Count()))
            .OrderBy(o => o.Week)
            .ToList();
        return new SpendWeeks(spend, outcomes);
    }

    /// <summary>The Monday (UTC) of the week holding <paramref name="at"/>.</summary>
    public static DateOnly WeekOf(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static bool HasNumber(ClassifiedEvent e, string name) => e.Read.Schema.IndexOf(name) is var i and >= 0 && e.Rule[i].NumberValue is not null;
}
