namespace Achievements.Rules;

/// <summary>
/// Compiles bound nodes into closures once, so evaluation is a walk of delegates with no
/// interpretation and no allocation. Inside <c>where</c>, a missing number is NaN, a missing string
/// or list is null, and every comparison with a missing value is false.
/// </summary>
/// <param name="localSlots">The number of <c>exists</c> variables.</param>
/// <param name="positions">
/// Each aggregation's polarity from <see cref="AntiGamingAnalysis.Positions"/>; null for qualify conditions.
/// </param>
internal sealed class Emitter(int localSlots, IReadOnlyDictionary<BoundAggregation, Polarity>? positions)
{
    public Eval<double> Number(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteral { Value: double value }:
                return (in EvalFrame _) => value;
            case BoundAttribute attribute:
                var index = attribute.Index;
                return (in EvalFrame f) => f.Current![index].NumberOrNaN;
            case BoundUnary { Operator: BoundUnaryOperator.Negate } unary:
                var operand = Number(unary.Operand);
                return (in EvalFrame f) => -operand(in f);
            case BoundBinary binary:
                var op = binary.Operator;
                var left = Number(binary.Left);
                var right = Number(binary.Right);
                return (in EvalFrame f) => Arithmetic.Apply(op, left(in f), right(in f));
            case BoundMinMax minMax:
                var arguments = minMax.Arguments.Select(Number).ToArray();
                return minMax.IsMax ? (in EvalFrame f) => Fold(arguments, in f, Math.Max) : (in EvalFrame f) => Fold(arguments, in f, Math.Min);
            case BoundSize size:
                var list = List(size.List);
                return (in EvalFrame f) => list(in f) is { } items ? items.Length : double.NaN;
            case BoundAggregation aggregation:
                return new AggregationEvaluator(aggregation, aggregation.Condition is { } c ? Bool(c) : null, localSlots, IsEvidence(aggregation)).Evaluate;
            default:
                throw new InvalidOperationException($"Not a number node: {node}");
        }
    }

    /// <summary>
    /// Whether the aggregation's events are evidence: whether a larger value of it can raise the
    /// result, by the polarity the anti-gaming analysis traced. So in <c>a / b</c> and <c>a - b</c>
    /// only <c>a</c> counts, nothing under unary minus, both sides of <c>+</c>, <c>*</c>, <c>min</c>
    /// and <c>max</c>. The polarity is read, not worked out again from the tree, so that "what raises
    /// the badge" has one answer: the events listed as the reason for an award are exactly those
    /// of the aggregations the analysis holds to earn it. It is the position's polarity, before the
    /// analysis widens a signed sum to either way, so a signed sum under <c>-</c> is not evidence.
    /// </summary>
    private bool IsEvidence(BoundAggregation aggregation) =>
        positions is not null && positions.GetValueOrDefault(aggregation).HasFlag(Polarity.Positive);

    public Eval<bool> Bool(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteral { Value: bool value }:
                return (in EvalFrame _) => value;
            case BoundAttribute attribute:
                // Used as a condition, a missing boolean is false; compared, it makes the comparison false.
                var index = attribute.Index;
                return (in EvalFrame f) => f.Current![index].BoolOrNull == true;
            case BoundUnary { Operator: BoundUnaryOperator.Not } unary:
                var operand = Bool(unary.Operand);
                return (in EvalFrame f) => !operand(in f);
            case BoundBinary { Operator: BoundBinaryOperator.And } and:
                var (a1, b1) = (Bool(and.Left), Bool(and.Right));
                return (in EvalFrame f) => a1(in f) && b1(in f);
            case BoundBinary { Operator: BoundBinaryOperator.Or } or:
                var (a2, b2) = (Bool(or.Left), Bool(or.Right));
                return (in EvalFrame f) => a2(in f) || b2(in f);
            case BoundBinary { Operator: BoundBinaryOperator.In } @in:
                var item = Text(@in.Left);
                var items = List(@in.Right);
                return (in EvalFrame f) => item(in f) is { } text && items(in f) is { } list && Contains(list, text);
            case BoundBinary comparison:
                return Compare(comparison);
            case BoundExists exists:
                return Exists(exists);
            default:
                throw new InvalidOperationException($"Not a condition node: {node}");
        }
    }

    private Eval<bool> Compare(BoundBinary comparison)
    {
        var op = comparison.Operator;
        switch (comparison.Left.Type)
        {
            case RuleType.Number:
                var (a, b) = (Number(comparison.Left), Number(comparison.Right));
                return (in EvalFrame f) => CompareNumbers(op, a(in f), b(in f));
            case RuleType.String:
                var (s, t) = (Text(comparison.Left), Text(comparison.Right));
                return (in EvalFrame f) => s(in f) is { } x && t(in f) is { } y && string.Equals(x, y, StringComparison.Ordinal) == (op == BoundBinaryOperator.Equals);
            default:
                var (p, q) = (NullableBool(comparison.Left), NullableBool(comparison.Right));
                return (in EvalFrame f) => p(in f) is { } x && q(in f) is { } y && (x == y) == (op == BoundBinaryOperator.Equals);
        }
    }

    private static bool CompareNumbers(BoundBinaryOperator op, double a, double b) =>
        !double.IsNaN(a) && !double.IsNaN(b) && op switch
        {
            BoundBinaryOperator.Equals => a == b,
            BoundBinaryOperator.NotEquals => a != b,
            BoundBinaryOperator.Less => a < b,
            BoundBinaryOperator.LessOrEquals => a <= b,
            BoundBinaryOperator.Greater => a > b,
            _ => a >= b,
        };

    private Eval<bool> Exists(BoundExists exists)
    {
        var list = List(exists.List);
        var slot = exists.Slot;
        var condition = Bool(exists.Condition);
        return (in EvalFrame f) =>
        {
            if (list(in f) is not { } items)
            {
                return false;
            }

            foreach (var item in items)
            {
                f.Locals[slot] = item;
                if (condition(in f))
                {
                    return true;
                }
            }

            return false;
        };
    }

    private Eval<bool?> NullableBool(BoundExpression node)
    {
        if (node is BoundAttribute attribute)
        {
            var index = attribute.Index;
            return (in EvalFrame f) => f.Current![index].BoolOrNull;
        }

        var value = Bool(node);
        return (in EvalFrame f) => value(in f);
    }

    private static Eval<string?> Text(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteral { Value: string value }:
                return (in EvalFrame _) => value;
            case BoundAttribute attribute:
                var index = attribute.Index;
                return (in EvalFrame f) => f.Current![index].TextOrNull;
            case BoundActor:
                return (in EvalFrame f) => f.Current!.Actor;
            case BoundLocal local:
                var slot = local.Slot;
                return (in EvalFrame f) => f.Locals[slot];
            default:
                throw new InvalidOperationException($"Not a string node: {node}");
        }
    }

    private static Eval<string[]?> List(BoundExpression node)
    {
        switch (node)
        {
            case BoundLiteral { Value: string[] value }:
                return (in EvalFrame _) => value;
            case BoundAttribute attribute:
                var index = attribute.Index;
                return (in EvalFrame f) => f.Current![index].ListOrNull;
            default:
                throw new InvalidOperationException($"Not a list node: {node}");
        }
    }

    private static bool Contains(string[] list, string text)
    {
        foreach (var item in list)
        {
            if (string.Equals(item, text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static double Fold(Eval<double>[] arguments, in EvalFrame f, Func<double, double, double> combine)
    {
        var result = arguments[0](in f);
        for (var i = 1; i < arguments.Length; i++)
        {
            result = combine(result, arguments[i](in f));
        }

        return result;
    }
}
