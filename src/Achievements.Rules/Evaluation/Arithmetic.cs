namespace Achievements.Rules;

/// <summary>
/// Arithmetic shared by constant folding and evaluation. Results saturate at ±double.MaxValue instead
/// of reaching infinity: saturation keeps every operator monotonic (which the anti-gaming analysis
/// relies on), and without infinities no NaN can arise. NaN still passes through, because inside
/// <c>where</c> it stands for a missing attribute.
/// </summary>
internal static class Arithmetic
{
    public static double Finite(double value) =>
        value > double.MaxValue ? double.MaxValue : value < -double.MaxValue ? -double.MaxValue : value;

    /// <summary>The division rule: by a constant as written, by anything else at least 1 (docs/decisions/0003-division-rule.md).</summary>
    public static double Apply(BoundBinaryOperator op, double a, double b) => Finite(op switch
    {
        BoundBinaryOperator.Add => a + b,
        BoundBinaryOperator.Subtract => a - b,
        BoundBinaryOperator.Multiply => a * b,
        BoundBinaryOperator.DivideByConstant => a / b,
        _ => a / Math.Max(b, 1),
    });
}
