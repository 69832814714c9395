using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Achievements.Rules.Tests;

public sealed record RuleSoup(string Source);

public sealed record GeneratedTree(ExpressionSyntaxBox Tree);

/// <summary>Hides the internal syntax type from the public test signature.</summary>
public sealed record ExpressionSyntaxBox
{
    internal ExpressionSyntaxBox(ExpressionSyntax syntax) => Syntax = syntax;

    internal ExpressionSyntax Syntax { get; }

    public override string ToString() => RuleFormatter.Format(Syntax);
}

/// <summary>A rule, the employee's events, and volume or correction events to add to them.</summary>
public sealed record GamingCase(string Rule, RuleEvent[] Events, RuleEvent[] Added)
{
    public override string ToString() => $"{Rule} | {Events.Length} events + {Added.Length} added";
}

public sealed class PropertyTests
{
    [Property(MaxTest = 1500)]
    public void Arbitrary_strings_never_make_the_compiler_throw(string? source)
    {
        foreach (var kind in new[] { RuleKind.Metric, RuleKind.Requirement, RuleKind.Qualify })
        {
            RuleCompiler.Compile(source ?? "", kind, TestCatalog.Catalog, "pr.merged");
        }
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(Generators)])]
    public void Rule_shaped_noise_never_makes_the_compiler_throw(RuleSoup soup)
    {
        foreach (var kind in new[] { RuleKind.Metric, RuleKind.Requirement, RuleKind.Qualify })
        {
            var compilation = RuleCompiler.Compile(soup.Source, kind, TestCatalog.Catalog, "pr.merged");
            Assert.Equal(compilation.Success, compilation.Diagnostics.Count == 0);
            if (compilation.Rule is { } rule && kind == RuleKind.Metric)
            {
                Assert.True(double.IsFinite(rule.EvaluateMetric(EmployeeEvents.Empty, Time.Now)));
            }
        }
    }

    [Property(MaxTest = 2000, Arbitrary = [typeof(Generators)])]
    public void The_formatter_round_trips_generated_trees(GeneratedTree generated)
    {
        var formatted = RuleFormatter.Format(generated.Tree.Syntax);
        var reparsed = RuleSyntaxTree.Parse(formatted);

        Assert.Empty(reparsed.Diagnostics);
        Assert.Equal(SyntaxDump.Of(generated.Tree.Syntax, showParentheses: true), SyntaxDump.Of(reparsed, showParentheses: true));
        Assert.Equal(formatted, RuleFormatter.Format(reparsed));
    }

    [Property(MaxTest = 10000, Arbitrary = [typeof(Generators)])]
    public void Adding_volume_or_correction_events_never_raises_an_accepted_metric(GamingCase c)
    {
        if (TestCatalog.Metric(c.Rule).Rule is not { } rule)
        {
            return;
        }

        var before = rule.EvaluateMetric(EmployeeEvents.From(c.Events), Time.Now);
        var after = rule.EvaluateMetric(EmployeeEvents.From([.. c.Events, .. c.Added]), Time.Now);
        Assert.True(double.IsFinite(before) && double.IsFinite(after));
        Assert.True(after <= before, $"{c.Rule}: {before} became {after}");
    }

    [Property(MaxTest = 5000, Arbitrary = [typeof(Generators)])]
    public void Adding_volume_or_correction_events_never_passes_a_failing_requirement(GamingCase c)
    {
        var requirement = Generators.RequirementFrom(c.Rule);
        if (TestCatalog.Requirement(requirement).Rule is not { } rule)
        {
            return;
        }

        var before = rule.EvaluateRequirement(EmployeeEvents.From(c.Events), Time.Now);
        var after = rule.EvaluateRequirement(EmployeeEvents.From([.. c.Events, .. c.Added]), Time.Now);
        Assert.False(!before && after, $"{requirement} started to pass");
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(Generators)])]
    public void Evidence_changes_no_value_and_lists_only_outcome_events_the_rule_read(GamingCase c)
    {
        RuleEvent[] all = [.. c.Events, .. c.Added];
        var events = EmployeeEvents.From(all);
        if (TestCatalog.Metric(c.Rule).Rule is { } metric)
        {
            var evidence = new List<RuleEvent>();
            Assert.Equal(metric.EvaluateMetric(events, Time.Now), metric.EvaluateMetric(events, Time.Now, evidence));
            AssertReadBy(metric, all, evidence);
        }

        if (TestCatalog.Requirement(Generators.RequirementFrom(c.Rule)).Rule is { } requirement)
        {
            var evidence = new List<RuleEvent>();
            Assert.Equal(requirement.EvaluateRequirement(events, Time.Now), requirement.EvaluateRequirement(events, Time.Now, evidence));
            AssertReadBy(requirement, all, evidence);
        }
    }

    /// <summary>
    /// Each evidence event is one of the inputs, inside its signal's widest window, and of an outcome
    /// signal: evidence follows the anti-gaming polarity, which lets no volume or correction raise a badge.
    /// </summary>
    private static void AssertReadBy(CompiledRule rule, RuleEvent[] inputs, List<RuleEvent> evidence)
    {
        var given = new HashSet<RuleEvent>(inputs, ReferenceEqualityComparer.Instance);
        foreach (var e in evidence)
        {
            Assert.Contains(e, given);
            var window = Assert.Single(rule.Signals, s => s.Signal == e.Signal).Window;
            Assert.True(e.OccurredAt <= Time.Now && (window is null || e.OccurredAt > Time.Now - window), $"{rule.Source}: {e.Signal} at {e.OccurredAt}");
            Assert.True(TestCatalog.Catalog.TryGetSignal(e.Signal, out var signal) && signal.Kind == SignalKind.Outcome, $"{rule.Source}: {e.Signal}");
        }
    }

    [Fact]
    public void The_generated_rules_are_often_accepted_and_often_mention_volume()
    {
        // Guards the properties above against testing nothing: a good share of generated rules
        // must pass the checker while naming a volume or correction signal.
        var rules = Generators.Metric.Sample(2000, 8);
        Assert.Equal(2000, rules.Length);
        var accepted = rules.Where(r => TestCatalog.Metric(r).Success).ToList();
        var withVolume = accepted.Count(r => Generators.NonOutcomeSignals.Any(s => r.Contains(s + ".", StringComparison.Ordinal) || r.Contains(s + ",", StringComparison.Ordinal) || r.Contains(s + ")", StringComparison.Ordinal) || r.Contains(s + " ", StringComparison.Ordinal)));
        Assert.True(accepted.Count > 300, $"only {accepted.Count} accepted");
        Assert.True(withVolume > 120, $"only {withVolume} accepted rules mention volume or correction");
    }
}

internal static class Generators
{
    public static readonly string[] NonOutcomeSignals = ["tokens.consumed", "prompt.sent", "suggestion.shown", "suggestion.discarded", "pr.reverted"];

    private static readonly string[] Windows = ["", ", 30m", ", 24h", ", 7d", ", 90d", ", 365d"];

    /// <summary>Per signal: filters, summable attributes and distinct-able attributes.</summary>
    private static readonly (string Signal, string[] Where, string[] Sum, string[] Distinct)[] Signals =
    [
        ("tokens.consumed", ["tokens > 100", "model == \"big\""], ["tokens"], ["model", "tokens"]),
        ("prompt.sent", ["tokens >= 5", "tokens != 3"], ["tokens"], ["tokens"]),
        ("suggestion.shown", ["language in [\"go\"]", "lines > 2"], ["lines"], ["language"]),
        ("suggestion.accepted", ["language == \"go\"", "lines >= 3"], ["lines"], ["language", "suggestion_id"]),
        ("suggestion.discarded", ["suggestion_id != \"s1\""], [], ["suggestion_id"]),
        ("pr.merged", ["lines_added >= 10", "exists(reviewers, r, r != actor)", "ai_assisted == true", "repo != \"a\" and size(reviewers) > 0"], ["lines_added", "lines_deleted"], ["repo", "reviewers", "ai_assisted"]),
        ("pr.reverted", ["pr_id != \"p1\""], [], ["pr_id"]),
        ("review.approved", ["author != actor"], [], ["author"]),
        ("score.changed", ["delta > 0"], ["delta"], ["delta"]),
    ];

    private static readonly Gen<string> Aggregation = AggregationOf(Signals);

    /// <summary>Volume and correction aggregations, placed where they lower the result, so many generated rules that name them pass the checker.</summary>
    private static readonly Gen<string> Lowering = AggregationOf(Signals.Where(s => NonOutcomeSignals.Contains(s.Signal)).ToArray());

    private static Gen<string> AggregationOf((string Signal, string[] Where, string[] Sum, string[] Distinct)[] signals) =>
        from s in Gen.Elements(signals)
        from filter in Gen.Elements(s.Where.Prepend("").Prepend("").ToArray())
        from window in Gen.Elements(Windows)
        from shape in Gen.Choose(0, 5)
        from period in Gen.Elements("day", "week")
        from sumAttr in Gen.Elements(s.Sum.DefaultIfEmpty("").ToArray())
        from distinctAttr in Gen.Elements(s.Distinct)
        let whereClause = filter.Length == 0 ? "" : " where " + filter
        select shape switch
        {
            0 or 1 => $"count({s.Signal}{whereClause}{window})",
            2 => $"days({s.Signal}{whereClause}{window})",
            3 => $"streak({s.Signal}{whereClause}, {period}{window})",
            4 => $"distinct({s.Signal}.{distinctAttr}{whereClause}{window})",
            _ => sumAttr.Length == 0 ? $"count({s.Signal}{window})" : $"sum({s.Signal}.{sumAttr}{whereClause}{window})",
        };

    private static readonly Gen<string> Constant = Gen.Elements("0", "1", "2", "0.5", "3", "100", "-1", "-2", "-0.5");

    public static Gen<string> NumberExpression(int depth) => depth <= 0
        ? Gen.Frequency((3, Aggregation), (1, Constant))
        : Gen.Frequency(
            (3, Aggregation),
            (1, Constant),
            (4, from a in NumberExpression(depth - 1) from op in Gen.Elements("+", "-", "*", "/") from b in NumberExpression(depth - 1) select $"({a}) {op} ({b})"),
            (1, from a in NumberExpression(depth - 1) select $"-({a})"),
            (1, from f in Gen.Elements("min", "max") from a in NumberExpression(depth - 1) from b in NumberExpression(depth - 1) select $"{f}({a}, {b})"),
            (6, from a in NumberExpression(depth - 1)
                from v in Lowering
                from shape in Gen.Choose(0, 3)
                select shape switch
                {
                    0 => $"({a}) - ({v})",
                    1 => $"({a}) / ({v})",
                    2 => $"({a}) + ({v}) * -2",
                    _ => $"min({a}, 50 - {v})",
                }));

    public static readonly Gen<string> Metric = NumberExpression(3);

    /// <summary>A requirement derived deterministically from a metric, so one generated case serves both properties.</summary>
    public static string RequirementFrom(string metric)
    {
        var hash = (uint)metric.GetHashCode(StringComparison.Ordinal);
        var op = new[] { ">=", ">", "<", "<=", "==", "!=" }[hash % 6];
        var threshold = (hash / 6 % 5).ToString(CultureInfo.InvariantCulture);
        var comparison = (hash / 30 % 2) == 0 ? $"({metric}) {op} {threshold}" : $"{threshold} {op} ({metric})";
        return (hash / 60 % 4) switch
        {
            0 => $"not ({comparison})",
            1 => $"({comparison}) and count(pr.merged) >= 1",
            2 => $"({comparison}) or count(pr.reverted) < 2",
            _ => comparison,
        };
    }

    private static readonly string[] Actors = ["ana", "bo"];

    private static Gen<RuleEvent> Event(SignalSchema schema) =>
        from minutes in Gen.Choose(-1, 400 * 24 * 60)
        from actor in Gen.Elements(Actors)
        from values in Gen.CollectToArray(schema.Attributes.Select(Value))
        select new RuleEvent(schema.Type, Time.Now.AddMinutes(-minutes), actor, values);

    private static Gen<AttributeValue> Value(AttributeSchema attribute)
    {
        var value = attribute.Type switch
        {
            AttributeType.Int or AttributeType.Number => attribute.Signed
                ? Gen.Choose(-50, 50).Select(n => AttributeValue.Number(n))
                : Gen.Choose(0, 200).Select(n => AttributeValue.Number(n)),
            AttributeType.String => Gen.Elements("a", "b", "go", "rust", "big", "s1", "p1", "ana", "bo").Select(AttributeValue.Text),
            AttributeType.Bool => Gen.Elements(true, false).Select(AttributeValue.Bool),
            _ => Gen.SubListOf(Actors.Append("cy")).Select(items => AttributeValue.List(items)),
        };
        return attribute.Optional ? Gen.Frequency((3, value), (1, Gen.Constant(AttributeValue.Missing))) : value;
    }

    private static Gen<RuleEvent[]> EventsOf(IEnumerable<SignalSchema> signals) =>
        Gen.OneOf(signals.Select(Event)).ListOf().Select(list => list.ToArray());

    public static Arbitrary<GamingCase> GamingCases() => Arb.From(
        from rule in Metric
        from events in EventsOf(TestCatalog.Catalog.Signals).Resize(40)
        from added in EventsOf(TestCatalog.Catalog.Signals.Where(s => s.Kind != SignalKind.Outcome)).Resize(40)
        select new GamingCase(rule, events, added));

    private static readonly string[] Fragments =
    [
        "count(", "sum(", "distinct(", "days(", "streak(", "min(", "max(", "exists(", "size(", "pr.merged", "pr.merge", "tokens.consumed",
        "suggestion.accepted.lines", ".", ",", ")", "(", "[", "]", " where ", " and ", " or ", " not ", " in ", "+", "-", "*", "/",
        "==", "!=", "<", "<=", ">", ">=", "=", "!", "90d", "0m", "7days", "1.5h", "0", "1", "0.25", "\"go\"", "\"x", "\\", "#c\n",
        "actor", "reviewers", "r", "lines_added", "repo", "true", "false", "day", "week", " ", "\n", "é", "\u0000", "99999999999999999999999",
    ];

    public static Arbitrary<RuleSoup> Soups() => Arb.From(
        Gen.Elements(Fragments).ListOf().Select(parts => new RuleSoup(string.Concat(parts))));

    // Syntax trees in parser-normal form: a child that binds looser than its position allows is parenthesized.
    public static Arbitrary<GeneratedTree> Trees() => Arb.From(Gen.Sized(size => Tree(Math.Min(size, 20) / 5)).Select(t => new GeneratedTree(new ExpressionSyntaxBox(t))));

    private static Token T(TokenKind kind, string? text = null, object? value = null) => new(kind, 0, text ?? kind.FixedText()!, value);

    private static readonly string[] Identifiers = ["pr", "merged", "count", "repo", "actor", "x", "day", "lines_added", "_y2"];

    private static readonly Gen<ExpressionSyntax> Leaf = Gen.OneOf(
        from whole in Gen.Choose(0, 5000)
        from zeros in Gen.Elements("", "0", "00")
        from fraction in Gen.Elements("", ".5", ".25", ".050")
        let text = zeros + whole.ToString(CultureInfo.InvariantCulture) + fraction
        select (ExpressionSyntax)new LiteralSyntax(T(TokenKind.Number, text, double.Parse(text, CultureInfo.InvariantCulture))),
        from text in Gen.Elements("", "go", "say \"hi\"", "back\\slash", "ünï", "#not a comment")
        select (ExpressionSyntax)new LiteralSyntax(T(TokenKind.String, "\"…\"", text)),
        from n in Gen.Choose(1, 500)
        from unit in Gen.Elements("m", "h", "d", "w")
        select (ExpressionSyntax)new LiteralSyntax(T(TokenKind.Duration, n.ToString(CultureInfo.InvariantCulture) + unit, Duration(n, unit))),
        Gen.Elements(TokenKind.TrueKeyword, TokenKind.FalseKeyword).Select(k => (ExpressionSyntax)new LiteralSyntax(T(k))),
        from parts in Gen.Elements(Identifiers).NonEmptyListOf().Select(l => l.Take(3))
        select (ExpressionSyntax)new NameSyntax([.. parts.Select(p => T(TokenKind.Identifier, p))]));

    private static TimeSpan Duration(int n, string unit) => unit switch
    {
        "m" => TimeSpan.FromMinutes(n),
        "h" => TimeSpan.FromHours(n),
        "d" => TimeSpan.FromDays(n),
        _ => TimeSpan.FromDays(7 * n),
    };

    private static readonly TokenKind[] BinaryOperators =
    [
        TokenKind.Plus, TokenKind.Minus, TokenKind.Star, TokenKind.Slash, TokenKind.EqualsEquals, TokenKind.BangEquals, TokenKind.Less,
        TokenKind.LessOrEquals, TokenKind.Greater, TokenKind.GreaterOrEquals, TokenKind.InKeyword, TokenKind.AndKeyword, TokenKind.OrKeyword,
    ];

    private static Gen<ExpressionSyntax> Tree(int depth)
    {
        if (depth <= 0)
        {
            return Leaf;
        }

        var child = Tree(depth - 1);
        return Gen.Frequency(
            (2, Leaf),
            (4, from left in child
                from op in Gen.Elements(BinaryOperators)
                from right in child
                select (ExpressionSyntax)new BinarySyntax(Wrap(left, op.BinaryPrecedence(), isRight: false), T(op), Wrap(right, op.BinaryPrecedence(), isRight: true))),
            (2, from op in Gen.Elements(TokenKind.Minus, TokenKind.NotKeyword)
                from operand in child
                select (ExpressionSyntax)new UnarySyntax(T(op), Wrap(operand, op.UnaryPrecedence(), isRight: true, unaryParent: true))),
            (1, child.Select(inner => (ExpressionSyntax)new ParenthesizedSyntax(T(TokenKind.OpenParen), inner, T(TokenKind.CloseParen)))),
            (1, child.ListOf().Select(items => (ExpressionSyntax)new ListSyntax(T(TokenKind.OpenBracket), [.. items.Take(3)], T(TokenKind.CloseBracket)))),
            (2, from name in Gen.Elements(Identifiers)
                from args in Argument(child).ListOf()
                select (ExpressionSyntax)new CallSyntax(T(TokenKind.Identifier, name), T(TokenKind.OpenParen), [.. args.Take(4)], T(TokenKind.CloseParen))));
    }

    private static Gen<ExpressionSyntax> Argument(Gen<ExpressionSyntax> child) => Gen.Frequency(
        (3, child),
        (1, from source in Leaf.Where(l => l is NameSyntax)
            from condition in child
            select (ExpressionSyntax)new WhereSyntax(source, T(TokenKind.WhereKeyword), condition)));

    private static ExpressionSyntax Wrap(ExpressionSyntax child, int precedence, bool isRight, bool unaryParent = false)
    {
        var fits = child switch
        {
            UnarySyntax unary => unary.Operator.Kind.UnaryPrecedence() >= precedence,
            BinarySyntax binary => unaryParent || isRight ? binary.Operator.Kind.BinaryPrecedence() > precedence : binary.Operator.Kind.BinaryPrecedence() >= precedence,
            _ => true,
        };
        return fits ? child : new ParenthesizedSyntax(T(TokenKind.OpenParen), child, T(TokenKind.CloseParen));
    }
}
