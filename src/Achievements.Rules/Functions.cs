using System.Collections.Immutable;

namespace Achievements.Rules;

/// <summary>What the first argument of an aggregation names.</summary>
internal enum AggregationTarget
{
    /// <summary>A signal, e.g. <c>pr.merged</c>: the function looks at events, not values.</summary>
    Signal,

    /// <summary>An attribute of a signal, e.g. <c>pr.merged.repo</c>.</summary>
    Attribute,

    /// <summary>An attribute of type int or number, e.g. <c>suggestion.accepted.lines</c>.</summary>
    NumericAttribute,
}

/// <summary>Computes an aggregation's value over the events of its window.</summary>
internal delegate double Aggregate(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in AggregationEvaluator.Filter filter);

/// <summary>Adds the events that made an aggregation's value to the evidence.</summary>
internal delegate void CollectEvidence(BoundAggregation node, ReadOnlySpan<RuleEvent> events, in AggregationEvaluator.Filter filter, double value, ICollection<RuleEvent> evidence);

/// <summary>
/// An aggregation function of the rule language: one entry of <see cref="FunctionTable"/>, read by the
/// binder (arity, argument kinds, usage), the evaluator (value and evidence) and the anti-gaming analysis.
/// </summary>
internal sealed class AggregateFunction
{
    public required string Name { get; init; }

    /// <summary>What the first argument names; a wrong kind is reported with RL112.</summary>
    public required AggregationTarget Target { get; init; }

    /// <summary>Whether a period, <c>day</c> or <c>week</c>, follows the target (RL113 otherwise); the window comes last either way.</summary>
    public bool TakesPeriod { get; init; }

    /// <summary>The arguments in words, with an example: the end of RL105's message.</summary>
    public required string Usage { get; init; }

    public required Aggregate Evaluate { get; init; }

    public required CollectEvidence Evidence { get; init; }

    /// <summary>
    /// Whether a signed attribute makes the value able to fall as events are added, so that the
    /// anti-gaming analysis cannot tell which way more events move it; otherwise more events never lower it.
    /// </summary>
    public bool FollowsAttributeSign { get; init; }

    public int MinArguments => TakesPeriod ? 2 : 1;

    public int MaxArguments => MinArguments + 1;

    public override string ToString() => Name;
}

/// <summary>
/// The rule language's functions, in the order that diagnostics list them. Adding an aggregation is
/// one entry here (its message-specific diagnostics stay in <see cref="DiagnosticBag"/>) and a row in
/// docs/rules.md, which a test keeps equal to this table.
/// </summary>
internal static class FunctionTable
{
    public static readonly ImmutableArray<AggregateFunction> Aggregations =
    [
        new()
        {
            Name = "count",
            Target = AggregationTarget.Signal,
            Usage = "a signal, an optional 'where' filter and an optional window, e.g. count(pr.merged where lines_added >= 50, 90d)",
            Evaluate = AggregationEvaluator.Count,
            Evidence = AggregationEvaluator.AcceptedEvents,
        },
        new()
        {
            Name = "sum",
            Target = AggregationTarget.NumericAttribute,
            Usage = "a numeric attribute, an optional 'where' filter and an optional window, e.g. sum(suggestion.accepted.lines, 30d)",
            Evaluate = AggregationEvaluator.Sum,
            Evidence = AggregationEvaluator.AcceptedEvents,
            FollowsAttributeSign = true,
        },
        new()
        {
            Name = "distinct",
            Target = AggregationTarget.Attribute,
            Usage = "an attribute, an optional 'where' filter and an optional window, e.g. distinct(pr.merged.repo, 365d)",
            Evaluate = AggregationEvaluator.Distinct,
            Evidence = AggregationEvaluator.AcceptedEvents,
        },
        new()
        {
            Name = "days",
            Target = AggregationTarget.Signal,
            Usage = "a signal, an optional 'where' filter and an optional window, e.g. days(pr.merged, 90d)",
            Evaluate = AggregationEvaluator.Days,
            Evidence = AggregationEvaluator.AcceptedEvents,
        },
        new()
        {
            Name = "streak",
            Target = AggregationTarget.Signal,
            TakesPeriod = true,
            Usage = "a signal, 'day' or 'week', and an optional window, e.g. streak(pr.merged, week, 365d)",
            Evaluate = AggregationEvaluator.Streak,
            Evidence = AggregationEvaluator.LongestRun,
        },
    ];

    /// <summary>Functions of values rather than events, which the binder binds itself: <c>min</c>, <c>max</c>, <c>size</c> and <c>exists</c>.</summary>
    public static readonly ImmutableArray<string> ValueFunctions = ["min", "max", "size", "exists"];

    /// <summary>Every function's name, as RL103 lists them.</summary>
    public static readonly ImmutableArray<string> Names = [.. Aggregations.Select(f => f.Name), .. ValueFunctions];

    public static AggregateFunction? Aggregation(string name)
    {
        foreach (var function in Aggregations)
        {
            if (function.Name == name)
            {
                return function;
            }
        }

        return null;
    }
}
