namespace Achievements.Rules;

/// <summary>
/// The counted events of one employee, grouped by signal type, each group in ascending time order
/// (the evaluator finds windows by binary search and counts days and streaks in one ordered pass).
/// </summary>
/// <remarks>
/// Load only the signals and windows a rule names (<see cref="CompiledRule.Signals"/>), and only
/// events the signal's qualify condition accepts: rules see exactly what the host calls counted.
/// </remarks>
/// <example>
/// <code>
/// var events = EmployeeEvents.From(rows.Select(row => RuleEvent.Create(schema, row.At, row.Actor, row.Values)));
/// double metric = rule.EvaluateMetric(events, DateTimeOffset.UtcNow);
/// </code>
/// </example>
public sealed class EmployeeEvents
{
    private readonly Dictionary<string, RuleEvent[]> _bySignal;

    private EmployeeEvents(Dictionary<string, RuleEvent[]> bySignal) => _bySignal = bySignal;

    /// <summary>No events at all.</summary>
    public static EmployeeEvents Empty { get; } = new(new Dictionary<string, RuleEvent[]>(StringComparer.Ordinal));

    /// <summary>The signal types that have at least one event.</summary>
    public IEnumerable<string> Signals => _bySignal.Keys;

    /// <summary>
    /// Groups events by <see cref="RuleEvent.Signal"/> and sorts each group by time. Input that is
    /// already in time order (as a query with <c>ORDER BY occurred_at</c> gives it) is only checked, not re-sorted.
    /// </summary>
    /// <param name="events">The events, in any order.</param>
    /// <returns>The grouped events.</returns>
    public static EmployeeEvents From(IEnumerable<RuleEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var groups = new Dictionary<string, List<RuleEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (!groups.TryGetValue(e.Signal, out var group))
            {
                groups[e.Signal] = group = [];
            }

            group.Add(e);
        }

        var bySignal = new Dictionary<string, RuleEvent[]>(groups.Count, StringComparer.Ordinal);
        foreach (var (signal, group) in groups)
        {
            var sorted = group.ToArray();
            if (!IsSorted(sorted))
            {
                // Order among events at the same instant changes no aggregation, so an unstable sort is fine.
                Array.Sort(sorted, static (a, b) => a.UtcTicks.CompareTo(b.UtcTicks));
            }

            bySignal[signal] = sorted;
        }

        return new EmployeeEvents(bySignal);
    }

    /// <summary>The events of one signal, oldest first.</summary>
    /// <param name="signal">The signal type.</param>
    /// <returns>The events; empty when there are none.</returns>
    public IReadOnlyList<RuleEvent> Of(string signal) => _bySignal.GetValueOrDefault(signal) ?? [];

    internal ReadOnlySpan<RuleEvent> SpanOf(string signal) =>
        _bySignal.TryGetValue(signal, out var events) ? events : ReadOnlySpan<RuleEvent>.Empty;

    private static bool IsSorted(RuleEvent[] events)
    {
        for (var i = 1; i < events.Length; i++)
        {
            if (events[i - 1].UtcTicks > events[i].UtcTicks)
            {
                return false;
            }
        }

        return true;
    }
}
