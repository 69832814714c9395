using System.Collections.Immutable;

namespace Achievements.Rules;

/// <summary>
/// Resolves signals, attributes and functions against the catalog and checks types, producing
/// bound nodes. An error yields a <see cref="BoundError"/>, which later checks pass over silently so
/// that one mistake is reported once.
/// </summary>
internal sealed class Binder(SignalCatalog catalog, DiagnosticBag diagnostics)
{
    private int _aggregations;

    /// <summary>How many <c>exists</c> variables are alive at once at most: the size of the locals buffer.</summary>
    public int LocalSlots { get; private set; }

    /// <summary>Where names resolve: <see cref="Signal"/> is the event's signal inside <c>where</c> and qualify conditions.</summary>
    private sealed record Scope(SignalSchema? Signal, ImmutableDictionary<string, int> Locals)
    {
        public static readonly Scope Rule = new(null, ImmutableDictionary<string, int>.Empty);

        public bool IsEventScope => Signal is not null;
    }

    public BoundExpression BindRoot(ExpressionSyntax syntax, RuleKind kind, SignalSchema? qualifySignal)
    {
        var scope = kind == RuleKind.Qualify ? new Scope(qualifySignal, ImmutableDictionary<string, int>.Empty) : Scope.Rule;
        var bound = Bind(syntax, scope);
        var expected = kind == RuleKind.Metric ? RuleType.Number : RuleType.Bool;
        if (bound.Type != RuleType.Error && bound.Type != expected)
        {
            diagnostics.WrongResultType(syntax.Span, kind, bound.Type);
            return new BoundError(bound.Span);
        }

        return bound;
    }

    private BoundExpression Bind(ExpressionSyntax syntax, Scope scope) => syntax switch
    {
        LiteralSyntax literal => BindLiteral(literal),
        NameSyntax name => BindName(name, scope),
        ListSyntax list => BindList(list),
        ParenthesizedSyntax parenthesized => Bind(parenthesized.Inner, scope),
        UnarySyntax unary => BindUnary(unary, scope),
        BinarySyntax binary => BindBinary(binary, scope),
        CallSyntax call => BindCall(call, scope),
        WhereSyntax where => ReportWhere(where),
        _ => new BoundError(syntax.Span),
    };

    private BoundError ReportWhere(WhereSyntax where)
    {
        diagnostics.WhereNotAllowed(where.Where.Span);
        return new BoundError(where.Span);
    }

    private BoundExpression BindLiteral(LiteralSyntax literal)
    {
        var token = literal.Token;
        switch (token.Kind)
        {
            case TokenKind.Number when token.Value is double number:
                return new BoundLiteral(literal.Span, RuleType.Number, number);
            case TokenKind.String when token.Value is string text:
                return new BoundLiteral(literal.Span, RuleType.String, text);
            case TokenKind.TrueKeyword or TokenKind.FalseKeyword:
                return new BoundLiteral(literal.Span, RuleType.Bool, token.Kind == TokenKind.TrueKeyword);
            case TokenKind.Duration when token.Value is not null:
                diagnostics.DurationNotValue(literal.Span);
                return new BoundError(literal.Span);
            default:
                return new BoundError(literal.Span);
        }
    }

    private BoundExpression BindName(NameSyntax name, Scope scope)
    {
        if (name.IsMissing)
        {
            return new BoundError(name.Span);
        }

        var text = name.Text;
        if (name.Parts.Length == 1 && scope.Locals.TryGetValue(text, out var slot))
        {
            return new BoundLocal(name.Span, slot);
        }

        if (scope.Signal is not { } signal)
        {
            if (text == "actor")
            {
                diagnostics.OnlyInWhere(name.Span, text);
            }
            else
            {
                diagnostics.NameOutsideWhere(name.Span, text);
            }

            return new BoundError(name.Span);
        }

        if (text == "actor")
        {
            return new BoundActor(name.Span);
        }

        var index = signal.IndexOf(text);
        if (index >= 0)
        {
            return new BoundAttribute(name.Span, index, signal.Attributes[index]);
        }

        var known = signal.Attributes.Select(a => a.Name).Append("actor").Concat(scope.Locals.Keys);
        diagnostics.UnknownNameInWhere(name.Span, text, signal.Type, Spelling.Suggest(text, known), known);
        return new BoundError(name.Span);
    }

    private BoundExpression BindList(ListSyntax list)
    {
        var items = new List<string>();
        var valid = true;
        foreach (var element in list.Elements)
        {
            if (element is LiteralSyntax { Token: { Kind: TokenKind.String, Value: string text } })
            {
                items.Add(text);
            }
            else
            {
                if (element is not NameSyntax { IsMissing: true })
                {
                    diagnostics.ListElement(element.Span);
                }

                valid = false;
            }
        }

        return valid ? new BoundLiteral(list.Span, RuleType.List, items.ToArray()) : new BoundError(list.Span);
    }

    private BoundExpression BindUnary(UnarySyntax unary, Scope scope)
    {
        var operand = Bind(unary.Operand, scope);
        if (operand.Type == RuleType.Error)
        {
            return new BoundError(unary.Span);
        }

        var isNot = unary.Operator.Kind == TokenKind.NotKeyword;
        if (operand.Type != (isNot ? RuleType.Bool : RuleType.Number))
        {
            diagnostics.OperatorType(unary.Span, isNot ? "not" : "-", operand.Type);
            return new BoundError(unary.Span);
        }

        if (!isNot && operand is BoundLiteral { Value: double value })
        {
            return new BoundLiteral(unary.Span, RuleType.Number, -value);
        }

        return new BoundUnary(unary.Span, isNot ? BoundUnaryOperator.Not : BoundUnaryOperator.Negate, operand);
    }

    private BoundExpression BindBinary(BinarySyntax binary, Scope scope)
    {
        var left = Bind(binary.Left, scope);
        var right = Bind(binary.Right, scope);
        if (left.Type == RuleType.Error || right.Type == RuleType.Error)
        {
            return new BoundError(binary.Span);
        }

        var kind = binary.Operator.Kind;
        var valid = kind switch
        {
            TokenKind.Plus or TokenKind.Minus or TokenKind.Star or TokenKind.Slash
                or TokenKind.Less or TokenKind.LessOrEquals or TokenKind.Greater or TokenKind.GreaterOrEquals =>
                left.Type == RuleType.Number && right.Type == RuleType.Number,
            TokenKind.EqualsEquals or TokenKind.BangEquals =>
                left.Type == right.Type && left.Type is RuleType.Number or RuleType.String or RuleType.Bool,
            TokenKind.AndKeyword or TokenKind.OrKeyword => left.Type == RuleType.Bool && right.Type == RuleType.Bool,
            _ => left.Type == RuleType.String && right.Type == RuleType.List,
        };
        if (!valid)
        {
            diagnostics.OperatorTypes(binary.Span, kind.FixedText()!, left.Type, right.Type);
            return new BoundError(binary.Span);
        }

        var op = kind switch
        {
            TokenKind.Plus => BoundBinaryOperator.Add,
            TokenKind.Minus => BoundBinaryOperator.Subtract,
            TokenKind.Star => BoundBinaryOperator.Multiply,
            TokenKind.Slash when right is BoundLiteral => BoundBinaryOperator.DivideByConstant,
            TokenKind.Slash => BoundBinaryOperator.DivideAtLeastOne,
            TokenKind.EqualsEquals => BoundBinaryOperator.Equals,
            TokenKind.BangEquals => BoundBinaryOperator.NotEquals,
            TokenKind.Less => BoundBinaryOperator.Less,
            TokenKind.LessOrEquals => BoundBinaryOperator.LessOrEquals,
            TokenKind.Greater => BoundBinaryOperator.Greater,
            TokenKind.GreaterOrEquals => BoundBinaryOperator.GreaterOrEquals,
            TokenKind.AndKeyword => BoundBinaryOperator.And,
            TokenKind.OrKeyword => BoundBinaryOperator.Or,
            _ => BoundBinaryOperator.In,
        };

        if (op == BoundBinaryOperator.DivideByConstant && right is BoundLiteral { Value: 0.0 })
        {
            diagnostics.DivisionByZero(binary.Right.Span);
            return new BoundError(binary.Span);
        }

        // Fold constant arithmetic so that '-2' or '(1 + 1)' count as constants for division and polarity.
        if (op <= BoundBinaryOperator.DivideByConstant && left is BoundLiteral { Value: double a } && right is BoundLiteral { Value: double b })
        {
            return new BoundLiteral(binary.Span, RuleType.Number, Arithmetic.Apply(op, a, b));
        }

        return new BoundBinary(binary.Span, op, left, right);
    }

    private BoundExpression BindCall(CallSyntax call, Scope scope)
    {
        var name = call.Name.Text;
        if (FunctionTable.Aggregation(name) is { } function)
        {
            return BindAggregation(call, function, scope);
        }

        switch (name)
        {
            case "min" or "max":
                return BindMinMax(call, scope);
            case "size":
                return BindSize(call, scope);
            case "exists":
                return BindExists(call, scope);
            default:
                diagnostics.UnknownFunction(call.Name.Span, name, Spelling.Suggest(name, FunctionTable.Names), FunctionTable.Names);
                return new BoundError(call.Span);
        }
    }

    private BoundExpression BindAggregation(CallSyntax call, AggregateFunction function, Scope scope)
    {
        var name = call.Name.Text;
        if (scope.IsEventScope)
        {
            diagnostics.AggregationInWhere(call.Name.Span, name);
            return new BoundError(call.Span);
        }

        if (++_aggregations == RuleLimits.MaxAggregations + 1)
        {
            diagnostics.TooManyAggregations(call.Span);
        }

        var arguments = call.Arguments;
        if (arguments.Length < function.MinArguments || arguments.Length > function.MaxArguments)
        {
            diagnostics.WrongArgumentCount(call.Span, name, function.Usage, arguments.Length);
            return new BoundError(call.Span);
        }

        var (target, conditionSyntax) = arguments[0] is WhereSyntax where ? (where.Source, where.Condition) : (arguments[0], null);
        var valid = TryResolveTarget(target, function, out var signal, out var attributeIndex);

        BoundExpression? condition = null;
        if (signal is not null && conditionSyntax is not null)
        {
            condition = Bind(conditionSyntax, new Scope(signal, ImmutableDictionary<string, int>.Empty));
            if (condition.Type is not (RuleType.Bool or RuleType.Error))
            {
                diagnostics.ArgumentType(conditionSyntax.Span, "'where'", "a condition that is true or false", condition.Type);
            }

            valid &= condition.Type == RuleType.Bool;
        }

        var period = StreakPeriod.Day;
        if (function.TakesPeriod)
        {
            var periodText = arguments[1] is NameSyntax { Parts.Length: 1 } periodName ? periodName.Text : null;
            period = periodText == "week" ? StreakPeriod.Week : StreakPeriod.Day;
            if (periodText is not ("day" or "week"))
            {
                if (arguments[1] is not NameSyntax { IsMissing: true })
                {
                    diagnostics.StreakPeriod(arguments[1].Span);
                }

                valid = false;
            }
        }

        TimeSpan? window = null;
        var windowIndex = function.MinArguments;
        if (arguments.Length > windowIndex)
        {
            valid &= TryBindWindow(arguments[windowIndex], out window);
        }

        return valid && signal is not null
            ? new BoundAggregation(call.Span, function, signal, attributeIndex, condition, window, period)
            : new BoundError(call.Span);
    }

    private bool TryResolveTarget(ExpressionSyntax target, AggregateFunction function, out SignalSchema? signal, out int attributeIndex)
    {
        signal = null;
        attributeIndex = -1;
        var name = function.Name;
        if (target is not NameSyntax nameSyntax || nameSyntax.IsMissing)
        {
            if (target is not NameSyntax)
            {
                diagnostics.NotASignal(target.Span, name);
            }

            return false;
        }

        var parts = nameSyntax.Parts;
        var full = nameSyntax.Text;
        var prefixSpan = parts.Length > 1 ? TextSpan.FromBounds(parts[0].Start, parts[^2].Span.End) : nameSyntax.Span;
        var prefix = parts.Length > 1 ? string.Join('.', parts[..^1].Select(p => p.Text)) : full;
        var last = parts[^1];
        var types = catalog.Signals.Select(s => s.Type);

        if (function.Target == AggregationTarget.Signal)
        {
            if (catalog.TryGetSignal(full, out signal))
            {
                return true;
            }

            if (parts.Length > 1 && catalog.TryGetSignal(prefix, out var owner) && owner.IndexOf(last.Text) >= 0)
            {
                diagnostics.CountsEventsNotValues(nameSyntax.Span, name, prefix, last.Text);
                return false;
            }

            diagnostics.UnknownSignal(nameSyntax.Span, full, Spelling.Suggest(full, types), types);
            return false;
        }

        if (parts.Length > 1 && catalog.TryGetSignal(prefix, out var found))
        {
            var index = found.IndexOf(last.Text);
            if (index < 0)
            {
                var attributes = found.Attributes.Select(a => a.Name);
                diagnostics.UnknownAttribute(last.Span, prefix, last.Text, Spelling.Suggest(last.Text, attributes), attributes);
                return false;
            }

            var type = found.Attributes[index].Type;
            if (function.Target == AggregationTarget.NumericAttribute && type is not (AttributeType.Int or AttributeType.Number))
            {
                diagnostics.SumNeedsNumber(nameSyntax.Span, prefix, last.Text, type);
                return false;
            }

            signal = found;
            attributeIndex = index;
            return true;
        }

        if (catalog.TryGetSignal(full, out var whole))
        {
            var example = whole.Attributes.FirstOrDefault(a =>
                function.Target != AggregationTarget.NumericAttribute || a.Type is AttributeType.Int or AttributeType.Number)?.Name;
            diagnostics.NeedsAttribute(nameSyntax.Span, name, full, example);
            return false;
        }

        diagnostics.UnknownSignal(prefixSpan, prefix, Spelling.Suggest(prefix, types), types);
        return false;
    }

    private bool TryBindWindow(ExpressionSyntax syntax, out TimeSpan? window)
    {
        window = null;
        if (syntax is LiteralSyntax { Token.Kind: TokenKind.Duration } literal)
        {
            if (literal.Token.Value is not TimeSpan value)
            {
                return false;
            }

            if (value < RuleLimits.MinWindow || value > RuleLimits.MaxWindow)
            {
                diagnostics.WindowOutOfRange(literal.Span, literal.Token.Text);
                return false;
            }

            window = value;
            return true;
        }

        if (syntax is not NameSyntax { IsMissing: true })
        {
            diagnostics.WindowNotDuration(syntax.Span);
        }

        return false;
    }

    private BoundExpression BindMinMax(CallSyntax call, Scope scope)
    {
        var name = call.Name.Text;
        if (call.Arguments.Length < 2)
        {
            diagnostics.WrongArgumentCount(call.Span, name, $"two or more numbers, e.g. {name}(count(pr.merged), 10)", call.Arguments.Length);
            return new BoundError(call.Span);
        }

        var arguments = ImmutableArray.CreateBuilder<BoundExpression>();
        var valid = true;
        foreach (var syntax in call.Arguments)
        {
            var argument = Bind(syntax, scope);
            if (argument.Type is not (RuleType.Number or RuleType.Error))
            {
                diagnostics.ArgumentType(syntax.Span, name, "numbers", argument.Type);
            }

            valid &= argument.Type == RuleType.Number;
            arguments.Add(argument);
        }

        if (!valid)
        {
            return new BoundError(call.Span);
        }

        var isMax = name == "max";
        if (arguments.All(a => a is BoundLiteral))
        {
            var values = arguments.Select(a => (double)((BoundLiteral)a).Value);
            return new BoundLiteral(call.Span, RuleType.Number, isMax ? values.Max() : values.Min());
        }

        return new BoundMinMax(call.Span, isMax, arguments.ToImmutable());
    }

    private BoundExpression BindSize(CallSyntax call, Scope scope)
    {
        if (!scope.IsEventScope)
        {
            diagnostics.OnlyInWhere(call.Name.Span, "size");
            return new BoundError(call.Span);
        }

        if (call.Arguments.Length != 1)
        {
            diagnostics.WrongArgumentCount(call.Span, "size", "one list, e.g. size(reviewers)", call.Arguments.Length);
            return new BoundError(call.Span);
        }

        var list = Bind(call.Arguments[0], scope);
        if (list.Type is not (RuleType.List or RuleType.Error))
        {
            diagnostics.ArgumentType(call.Arguments[0].Span, "size", "a list", list.Type);
        }

        return list.Type == RuleType.List ? new BoundSize(call.Span, list) : new BoundError(call.Span);
    }

    private BoundExpression BindExists(CallSyntax call, Scope scope)
    {
        if (!scope.IsEventScope)
        {
            diagnostics.OnlyInWhere(call.Name.Span, "exists");
            return new BoundError(call.Span);
        }

        var arguments = call.Arguments;
        if (arguments.Length != 3)
        {
            diagnostics.WrongArgumentCount(call.Span, "exists", "a list, a name for its elements and a condition, e.g. exists(reviewers, r, r != actor)", arguments.Length);
            return new BoundError(call.Span);
        }

        var list = Bind(arguments[0], scope);
        if (list.Type is not (RuleType.List or RuleType.Error))
        {
            diagnostics.ArgumentType(arguments[0].Span, "exists", "a list", list.Type);
        }

        if (arguments[1] is not NameSyntax { Parts.Length: 1, IsMissing: false } variable)
        {
            if (arguments[1] is not NameSyntax { IsMissing: true })
            {
                diagnostics.ExistsVariable(arguments[1].Span);
            }

            return new BoundError(call.Span);
        }

        var slot = scope.Locals.Count;
        LocalSlots = Math.Max(LocalSlots, slot + 1);
        var inner = scope with { Locals = scope.Locals.SetItem(variable.Text, slot) };
        var condition = Bind(arguments[2], inner);
        if (condition.Type is not (RuleType.Bool or RuleType.Error))
        {
            diagnostics.ArgumentType(arguments[2].Span, "exists", "a condition that is true or false", condition.Type);
        }

        return list.Type == RuleType.List && condition.Type == RuleType.Bool
            ? new BoundExists(call.Span, list, slot, condition)
            : new BoundError(call.Span);
    }
}
