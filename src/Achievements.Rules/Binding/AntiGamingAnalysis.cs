namespace Achievements.Rules;

/// <summary>Which way more events of a signal can move a result.</summary>
[Flags]
internal enum Polarity
{
    None = 0,
    Positive = 1,
    Negative = 2,
    TwoSided = Positive | Negative,
}

/// <summary>
/// The product's central promise: no badge can be earned or progressed toward by raw volume.
/// Traces, from the root, whether more events of each aggregated signal push the result up
/// (positive), down (negative) or either way (two-sided), and rejects volume and correction signals
/// that could push it up (AG001) and metrics that no outcome pushes up (AG002).
/// </summary>
/// <remarks>
/// The tracing follows operators whose monotonicity is known. Evaluation keeps that monotonicity
/// exact: arithmetic saturates instead of overflowing, division by a non-constant is by max(b, 1),
/// and non-negative attributes are clamped at 0, so a traced polarity is a guarantee, not a guess.
/// </remarks>
internal static class AntiGamingAnalysis
{
    /// <summary>
    /// Which way a larger value of each aggregation moves the result, from where it stands in the rule
    /// (keyed by node, not by signal: the same signal may stand in two places). The emitter reuses it
    /// to decide whose events are evidence, so evidence and the anti-gaming check read one answer.
    /// </summary>
    public static Dictionary<BoundAggregation, Polarity> Positions(BoundExpression root)
    {
        var positions = new Dictionary<BoundAggregation, Polarity>(ReferenceEqualityComparer.Instance);
        Trace(root, Polarity.Positive, positions);
        return positions;
    }

    public static void Check(BoundExpression root, IReadOnlyDictionary<BoundAggregation, Polarity> positions, RuleKind kind, SignalCatalog catalog, DiagnosticBag diagnostics)
    {
        var polarities = positions.Select(p => (Aggregation: p.Key, Polarity: ByEvents(p.Key, p.Value))).ToList();
        foreach (var (aggregation, polarity) in polarities)
        {
            if (aggregation.Signal.Kind != SignalKind.Outcome && polarity.HasFlag(Polarity.Positive))
            {
                diagnostics.VolumeRaisesBadge(aggregation.Span, aggregation.Signal, eitherWay: polarity == Polarity.TwoSided);
            }
        }

        if (kind == RuleKind.Metric && !polarities.Any(p => p.Aggregation.Signal.Kind == SignalKind.Outcome && p.Polarity == Polarity.Positive))
        {
            var outcomes = catalog.Signals.Where(s => s.Kind == SignalKind.Outcome).Select(s => s.Type);
            diagnostics.NoOutcome(root.Span, outcomes);
        }
    }

    /// <summary>Which way more events of the aggregation's signal move the result, given its position.</summary>
    /// <remarks>A signed sum can fall or rise as events are added, whatever the path above it says.</remarks>
    private static Polarity ByEvents(BoundAggregation aggregation, Polarity position) =>
        aggregation is { Function.FollowsAttributeSign: true, Attribute.Signed: true } ? TwoSided(position) : position;

    private static void Trace(BoundExpression node, Polarity polarity, Dictionary<BoundAggregation, Polarity> polarities)
    {
        switch (node)
        {
            case BoundAggregation aggregation:
                polarities[aggregation] = polarities.GetValueOrDefault(aggregation) | polarity;
                break;
            case BoundUnary unary:
                Trace(unary.Operand, Flip(polarity), polarities);
                break;
            case BoundMinMax minMax:
                foreach (var argument in minMax.Arguments)
                {
                    Trace(argument, polarity, polarities);
                }

                break;
            case BoundBinary binary:
                var (left, right) = Sides(binary, polarity);
                Trace(binary.Left, left, polarities);
                Trace(binary.Right, right, polarities);
                break;
        }
    }

    private static (Polarity Left, Polarity Right) Sides(BoundBinary binary, Polarity p) => binary.Operator switch
    {
        BoundBinaryOperator.Add or BoundBinaryOperator.And or BoundBinaryOperator.Or => (p, p),
        BoundBinaryOperator.Subtract => (p, Flip(p)),
        BoundBinaryOperator.Multiply => (ByFactor(binary.Right, p), ByFactor(binary.Left, p)),
        BoundBinaryOperator.DivideByConstant => (((BoundLiteral)binary.Right).Value is > 0.0 ? p : Flip(p), Polarity.None),
        BoundBinaryOperator.DivideAtLeastOne => (p, IsNonNegative(binary.Left) ? Flip(p) : TwoSided(p)),
        BoundBinaryOperator.Greater or BoundBinaryOperator.GreaterOrEquals => (p, Flip(p)),
        BoundBinaryOperator.Less or BoundBinaryOperator.LessOrEquals => (Flip(p), p),
        _ => (TwoSided(p), TwoSided(p)),
    };

    /// <summary>How a factor's polarity survives multiplication by <paramref name="other"/>.</summary>
    private static Polarity ByFactor(BoundExpression other, Polarity p) =>
        IsNonNegative(other) ? p
        : other is BoundLiteral { Value: < 0.0 } ? Flip(p)
        : TwoSided(p);

    /// <summary>Known non-negative whatever the events: the spec's list, nothing cleverer.</summary>
    internal static bool IsNonNegative(BoundExpression node) => node switch
    {
        BoundLiteral { Value: double value } => value >= 0,
        BoundAggregation aggregation => !aggregation.Function.FollowsAttributeSign || aggregation.Attribute is { Signed: false },
        BoundBinary { Operator: BoundBinaryOperator.Add or BoundBinaryOperator.Multiply or BoundBinaryOperator.DivideByConstant or BoundBinaryOperator.DivideAtLeastOne } binary =>
            IsNonNegative(binary.Left) && IsNonNegative(binary.Right),
        BoundMinMax minMax => minMax.Arguments.All(IsNonNegative),
        _ => false,
    };

    private static Polarity Flip(Polarity p) => p switch
    {
        Polarity.Positive => Polarity.Negative,
        Polarity.Negative => Polarity.Positive,
        _ => p,
    };

    private static Polarity TwoSided(Polarity p) => p == Polarity.None ? Polarity.None : Polarity.TwoSided;
}
