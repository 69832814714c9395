using System.Buffers;

namespace Achievements.Rules;

/// <summary>
/// Evaluates one aggregation over the employee's events of one signal in the window
/// <c>(now - window, now]</c>. Events arrive sorted by time, so the window is found by binary search
/// and days and streaks are counted in one ordered pass; <c>distinct</c> sorts into a pooled buffer.
/// Nothing is allocated per call.
/// </summary>
/// <param name="node">The aggregation.</param>
/// <param name="condition">Its <c>where</c>, compiled; null without one.</param>
/// <param name="localSlots">The number of <c>exists</c> variables the condition needs.</param>
/// <param name="isEvidence">Whether the aggregation's events are evidence where it stands in the rule (see <see cref="Emitter"/>).</param>
internal sealed class AggregationEvaluator(BoundAggregation node, Eval<bool>? condition, int localSlots, bool isEvidence)
{
    private static readonly Comparison<string> Ordinal = string.CompareOrdinal;

    private readonly string _signal = node.Signal.Type;
    private readonly Window _window = new(node.Window);
    private readonly Aggregate _aggregate = node.Function.Evaluate;
    private readonly CollectEvidence _evidence = node.Function.Evidence;

    public double Evaluate(in EvalFrame frame)
    {
        var events = _window.Of(frame.Events.SpanOf(_signal), frame.NowTicks);
        if (events.IsEmpty)
        {
            return 0;
        }

        var locals = localSlots == 0 ? [] : ArrayPool<string?>.Shared.Rent(localSlots);
        try
        {
            var filter = new Filter(condition, frame.Events, frame.NowTicks, locals);
            var value = _aggregate(node, events, filter);
            if (isEvidence && frame.Evidence is { } evidence)
            {
                _evidence(node, events, filter, value, evidence);
            }

            return value;
        }
        finally
        {
            if (localSlots != 0)
            {
                ArrayPool<string?>.Shared.Return(locals, clearArray: true);
            }
        }
    }

    /// <summary>
    /// Adds the events the aggregation counted: every accepted event for count and days, and those with
    /// a value of the attribute for sum and distinct (all of them, not one per value: which of two merges
    /// into one repository "made" the count is arbitrary, and both show the breadth). Evidence is a pass
    /// of its own after the value, so that the loops below stay as they were when no evidence is asked
    /// for: adding to evidence inside the streak and days loops made rules that use them 10-30% slower
    /// even with none asked for.
    /// </summary>
    internal static void AcceptedEvents(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter, double value, ICollection<RuleEvent> evidence)
    {
        var attribute = node.AttributeIndex;
        foreach (var e in events)
        {
            if ((attribute < 0 || Carries(node, e[attribute])) && filter.Accepts(e))
            {
                evidence.Add(e);
            }
        }
    }

    /// <summary>Whether sum or distinct reads a value from this attribute value; an empty list adds no element.</summary>
    private static bool Carries(BoundAggregation node, AttributeValue value) => node.Attribute!.Type switch
    {
        AttributeType.Int or AttributeType.Number => !double.IsNaN(value.NumberOrNaN),
        AttributeType.Bool => value.BoolOrNull is not null,
        _ => value.TextOrNull is not null || value.ListOrNull is { Length: > 0 },
    };

    /// <summary>
    /// Adds every accepted event of the latest run of <paramref name="value"/> periods, the streak's
    /// evidence: the runs are found again as <see cref="Streak"/> finds them, remembering where the last
    /// one that long began.
    /// </summary>
    internal static void LongestRun(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter, double value, ICollection<RuleEvent> evidence)
    {
        var longest = (int)value;
        var periodDays = node.Period == StreakPeriod.Week ? 7 : 1;
        int run = 0, runStart = 0, start = 0;
        long previous = long.MinValue, end = long.MinValue;
        for (var i = 0; i < events.Length; i++)
        {
            var period = events[i].UtcTicks / TimeSpan.TicksPerDay / periodDays;
            if (period == previous || !filter.Accepts(events[i]))
            {
                continue;
            }

            (run, runStart) = period == previous + 1 ? (run + 1, runStart) : (1, i);
            if (run == longest)
            {
                (start, end) = (runStart, period);
            }

            previous = period;
        }

        for (var i = start; i < events.Length && events[i].UtcTicks / TimeSpan.TicksPerDay / periodDays <= end; i++)
        {
            if (filter.Accepts(events[i]))
            {
                evidence.Add(events[i]);
            }
        }
    }

    internal static double Count(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        if (!filter.IsActive)
        {
            return events.Length;
        }

        var count = 0;
        foreach (var e in events)
        {
            if (filter.Accepts(e))
            {
                count++;
            }
        }

        return count;
    }

    internal static double Sum(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        // An unsigned attribute is non-negative by contract; clamping bad data at 0 keeps the sum
        // growing with events, which the anti-gaming analysis relies on.
        var signed = node.Attribute!.Signed;
        var attribute = node.AttributeIndex;
        var total = 0.0;
        foreach (var e in events)
        {
            var value = e[attribute].NumberOrNaN;
            if (!double.IsNaN(value) && filter.Accepts(e))
            {
                total += signed ? value : Math.Max(value, 0);
            }
        }

        return Arithmetic.Finite(total);
    }

    internal static double Days(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        var days = 0;
        var previous = long.MinValue;
        foreach (var e in events)
        {
            var day = e.UtcTicks / TimeSpan.TicksPerDay;
            if (day != previous && filter.Accepts(e))
            {
                days++;
                previous = day;
            }
        }

        return days;
    }

    internal static double Streak(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        // Day 0 of DateTime (0001-01-01) is a Monday, so whole weeks since then are ISO weeks,
        // numbered continuously across year ends.
        var periodDays = node.Period == StreakPeriod.Week ? 7 : 1;
        int longest = 0, run = 0;
        var previous = long.MinValue;
        foreach (var e in events)
        {
            var period = e.UtcTicks / TimeSpan.TicksPerDay / periodDays;
            if (period == previous || !filter.Accepts(e))
            {
                continue;
            }

            run = period == previous + 1 ? run + 1 : 1;
            longest = Math.Max(longest, run);
            previous = period;
        }

        return longest;
    }

    internal static double Distinct(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in Filter filter) =>
        node.Attribute!.Type switch
        {
            AttributeType.Int or AttributeType.Number => DistinctNumbers(node.AttributeIndex, events, filter),
            AttributeType.Bool => DistinctBools(node.AttributeIndex, events, filter),
            _ => DistinctTexts(node.AttributeIndex, events, filter),
        };

    private static double DistinctNumbers(int attribute, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        var buffer = ArrayPool<double>.Shared.Rent(events.Length);
        try
        {
            var count = 0;
            foreach (var e in events)
            {
                var value = e[attribute].NumberOrNaN;
                if (!double.IsNaN(value) && filter.Accepts(e))
                {
                    buffer[count++] = value;
                }
            }

            var values = buffer.AsSpan(0, count);
            values.Sort();
            return CountRuns(values);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private static double DistinctBools(int attribute, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        bool seenTrue = false, seenFalse = false;
        foreach (var e in events)
        {
            if (e[attribute].BoolOrNull is { } value && filter.Accepts(e))
            {
                seenTrue |= value;
                seenFalse |= !value;
            }
        }

        return (seenTrue ? 1 : 0) + (seenFalse ? 1 : 0);
    }

    /// <summary>Distinct strings; for a list attribute, distinct elements across all events (e.g. distinct reviewers).</summary>
    private static double DistinctTexts(int attribute, ReadOnlySpan<RuleEvent> events, in Filter filter)
    {
        var size = 0;
        foreach (var e in events)
        {
            var value = e[attribute];
            size += value.ListOrNull?.Length ?? (value.TextOrNull is null ? 0 : 1);
        }

        if (size == 0)
        {
            return 0;
        }

        var buffer = ArrayPool<string>.Shared.Rent(size);
        try
        {
            var count = 0;
            foreach (var e in events)
            {
                var value = e[attribute];
                if ((value.TextOrNull is null && value.ListOrNull is null) || !filter.Accepts(e))
                {
                    continue;
                }

                if (value.TextOrNull is { } text)
                {
                    buffer[count++] = text;
                }
                else
                {
                    value.ListOrNull!.CopyTo(buffer, count);
                    count += value.ListOrNull!.Length;
                }
            }

            var values = buffer.AsSpan(0, count);
            values.Sort(Ordinal);
            var distinct = 0;
            for (var i = 0; i < values.Length; i++)
            {
                if (i == 0 || !string.Equals(values[i], values[i - 1], StringComparison.Ordinal))
                {
                    distinct++;
                }
            }

            return distinct;
        }
        finally
        {
            ArrayPool<string>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static double CountRuns(ReadOnlySpan<double> sorted)
    {
        var distinct = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1])
            {
                distinct++;
            }
        }

        return distinct;
    }

    /// <summary>The aggregation's <c>where</c>, applied to one event at a time.</summary>
    internal readonly ref struct Filter(Eval<bool>? condition, EmployeeEvents events, long now, string?[] locals)
    {
        public bool IsActive => condition is not null;

        public bool Accepts(RuleEvent e)
        {
            if (condition is null)
            {
                return true;
            }

            var frame = new EvalFrame(events, now, e, locals);
            return condition(in frame);
        }
    }
}
