using System.Collections.Immutable;

namespace Achievements.Rules;

/// <summary>An immutable node of the syntax tree; positions come from its tokens.</summary>
internal abstract record ExpressionSyntax
{
    public abstract TextSpan Span { get; }
}

/// <summary>A number, string, duration, <c>true</c> or <c>false</c>.</summary>
internal sealed record LiteralSyntax(Token Token) : ExpressionSyntax
{
    public override TextSpan Span => Token.Span;
}

/// <summary>A dotted name: <c>pr.merged</c>, <c>suggestion.accepted.lines</c>, <c>actor</c>, <c>week</c>.</summary>
internal sealed record NameSyntax(ImmutableArray<Token> Parts) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Parts[0].Start, Parts[^1].Span.End);

    public string Text => string.Join('.', Parts.Select(p => p.Text));

    public bool IsMissing => Parts.Any(p => p.IsMissing);
}

/// <summary><c>["go", "rust"]</c></summary>
internal sealed record ListSyntax(Token Open, ImmutableArray<ExpressionSyntax> Elements, Token Close) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Open.Start, Math.Max(Open.Span.End, Close.Span.End));
}

/// <summary><c>name(arguments)</c>; arguments may be <see cref="WhereSyntax"/>.</summary>
internal sealed record CallSyntax(Token Name, Token Open, ImmutableArray<ExpressionSyntax> Arguments, Token Close) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Name.Start, Math.Max(Open.Span.End, Close.Span.End));
}

/// <summary><c>pr.merged where lines_added &gt;= 50</c>: only valid as an aggregation's first argument.</summary>
internal sealed record WhereSyntax(ExpressionSyntax Source, Token Where, ExpressionSyntax Condition) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Source.Span.Start, Math.Max(Where.Span.End, Condition.Span.End));
}

internal sealed record UnarySyntax(Token Operator, ExpressionSyntax Operand) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Operator.Start, Operand.Span.End);
}

internal sealed record BinarySyntax(ExpressionSyntax Left, Token Operator, ExpressionSyntax Right) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Left.Span.Start, Math.Max(Operator.Span.End, Right.Span.End));
}

internal sealed record ParenthesizedSyntax(Token Open, ExpressionSyntax Inner, Token Close) : ExpressionSyntax
{
    public override TextSpan Span => TextSpan.FromBounds(Open.Start, Math.Max(Inner.Span.End, Close.Span.End));
}
