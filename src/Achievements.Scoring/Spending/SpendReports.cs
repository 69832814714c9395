namespace Achievements.Scoring;

/// <summary>
/// Which reports of spend count, so that one usage reported twice is counted once. The cost view and the token-burn
/// detector both read spend through it.
/// </summary>
public static class SpendReports
{
    /// <summary>
    /// The spend events (<c>tokens.consumed</c>) that count, each with its week (weeks start on Monday, UTC):
    /// <list type="bullet">
    /// <item>in a week where one of the signal's authoritative sources (a model gateway) reported for the employee,
    /// only those sources count: the tool's own reports are the same usage;</item>
    /// <item>otherwise, a source's totals (<c>aggregate</c>: a tool's token metric, summing many requests) count for a
    /// week and model only when the same source sent no per-request report of them: Claude Code and Gemini CLI
    /// report every request as a log event and the same tokens again as a metric.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<(ClassifiedEvent Event, DateOnly Week)> Counted(IEnumerable<ClassifiedEvent> events, SignalCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(catalog);
        var authoritative = catalog.Find(BuiltInSignals.Spend.Signal)?.AuthoritativeSources ?? [];
        var spend = events
            .Where(e => e.Stored.Type == BuiltInSignals.Spend.Signal)
            .Select(e => (Event: e, Week: SpendWeeks.WeekOf(e.Stored.OccurredAt)))
            .ToList();
        var measuredWeeks = spend.Where(e => authoritative.Contains(e.Event.Stored.Source)).Select(e => e.Week).ToHashSet();
        var byRequest = spend
            .Where(e => !Aggregate(e.Event))
            .Select(e => (e.Week, e.Event.Stored.Source, Model: ModelOf(e.Event)))
            .ToHashSet();
        return spend
            .Where(e => !measuredWeeks.Contains(e.Week) || authoritative.Contains(e.Event.Stored.Source))
            .Where(e => !Aggregate(e.Event) || !byRequest.Contains((e.Week, e.Event.Stored.Source, ModelOf(e.Event))))
            .ToList();
    }

    /// <summary>The model a report names; empty when it names none.</summary>
    public static string ModelOf(ClassifiedEvent e) => e.AttributeText(BuiltInSignals.Spend.Model) ?? "";

    private static bool Aggregate(ClassifiedEvent e) => e.Read.AttributeIs(BuiltInSignals.Spend.Aggregate);
}
