using System.Collections.Immutable;

namespace Achievements.Rules;

internal enum RuleType
{
    Error,
    Number,
    Bool,
    String,
    List,
    Duration,
}

internal enum StreakPeriod
{
    Day,
    Week,
}

internal enum BoundUnaryOperator
{
    Negate,
    Not,
}

internal enum BoundBinaryOperator
{
    Add,
    Subtract,
    Multiply,

    /// <summary>Division by a non-zero constant: <c>a / c</c>.</summary>
    DivideByConstant,

    /// <summary>Division by anything else: <c>a / max(b, 1)</c>, so zero activity neither fails nor rewards.</summary>
    DivideAtLeastOne,
    Equals,
    NotEquals,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
    And,
    Or,
    In,
}

/// <summary>A node whose names and types are resolved. Constant arithmetic is already folded into literals.</summary>
internal abstract record BoundExpression(TextSpan Span)
{
    public abstract RuleType Type { get; }
}

internal sealed record BoundError(TextSpan Span) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.Error;
}

/// <summary>A constant: double, string, bool or string[].</summary>
internal sealed record BoundLiteral(TextSpan Span, RuleType LiteralType, object Value) : BoundExpression(Span)
{
    public override RuleType Type => LiteralType;
}

internal sealed record BoundAttribute(TextSpan Span, int Index, AttributeSchema Attribute) : BoundExpression(Span)
{
    public override RuleType Type => DiagnosticBag.TypeOf(Attribute.Type);
}

internal sealed record BoundActor(TextSpan Span) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.String;
}

/// <summary>The element variable of <c>exists</c>, held in a slot of the evaluation's locals.</summary>
internal sealed record BoundLocal(TextSpan Span, int Slot) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.String;
}

internal sealed record BoundUnary(TextSpan Span, BoundUnaryOperator Operator, BoundExpression Operand) : BoundExpression(Span)
{
    public override RuleType Type => Operator == BoundUnaryOperator.Not ? RuleType.Bool : RuleType.Number;
}

internal sealed record BoundBinary(TextSpan Span, BoundBinaryOperator Operator, BoundExpression Left, BoundExpression Right) : BoundExpression(Span)
{
    public override RuleType Type => Operator <= BoundBinaryOperator.DivideAtLeastOne ? RuleType.Number : RuleType.Bool;
}

internal sealed record BoundMinMax(TextSpan Span, bool IsMax, ImmutableArray<BoundExpression> Arguments) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.Number;
}

internal sealed record BoundSize(TextSpan Span, BoundExpression List) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.Number;
}

internal sealed record BoundExists(TextSpan Span, BoundExpression List, int Slot, BoundExpression Condition) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.Bool;
}

/// <summary>
/// An aggregation over the counted events of one signal in <c>(now - Window, now]</c>
/// (all history when <see cref="Window"/> is null). <see cref="AttributeIndex"/> is -1 for count, days and streak.
/// </summary>
internal sealed record BoundAggregation(
    TextSpan Span,
    AggregateFunction Function,
    SignalSchema Signal,
    int AttributeIndex,
    BoundExpression? Condition,
    TimeSpan? Window,
    StreakPeriod Period) : BoundExpression(Span)
{
    public override RuleType Type => RuleType.Number;

    public AttributeSchema? Attribute => AttributeIndex >= 0 ? Signal.Attributes[AttributeIndex] : null;
}
