namespace Achievements.Rules;

/// <summary>The outcome of compiling rule source: diagnostics, and on success the compiled rule or predicate.</summary>
/// <example>
/// <code>
/// var compilation = RuleCompiler.Compile("count(tokens.consumed)", RuleKind.Metric, catalog);
/// compilation.Success;          // false
/// compilation.Diagnostics[0];   // AG001 at 0..22
/// </code>
/// </example>
public sealed class Compilation
{
    internal Compilation(IReadOnlyList<Diagnostic> diagnostics, CompiledRule? rule, CompiledPredicate? predicate)
    {
        Diagnostics = diagnostics;
        Rule = rule;
        Predicate = predicate;
    }

    /// <summary>Every problem found, in source order within each stage (syntax, names and types, anti-gaming).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Whether there is no error; then <see cref="Rule"/> (metric, requirement) or <see cref="Predicate"/> (qualify) is set.</summary>
    public bool Success => Rule is not null || Predicate is not null;

    /// <summary>The compiled metric or requirement.</summary>
    public CompiledRule? Rule { get; }

    /// <summary>The compiled qualify condition.</summary>
    public CompiledPredicate? Predicate { get; }
}

/// <summary>
/// Compiles rule source against the signal catalog: parse, bind, check types and limits, check
/// anti-gaming, then build closures. Never throws for any source text.
/// </summary>
/// <example>
/// <code>
/// var metric = RuleCompiler.Compile("count(pr.merged, 90d) / count(suggestion.shown, 90d)", RuleKind.Metric, catalog);
/// var qualify = RuleCompiler.Compile("lines_added + lines_deleted >= 5", RuleKind.Qualify, catalog, "pr.merged");
/// </code>
/// </example>
public static class RuleCompiler
{
    /// <summary>Compiles one rule.</summary>
    /// <param name="source">The rule text.</param>
    /// <param name="kind">Metric (a number), requirement (a boolean) or qualify (a per-event boolean).</param>
    /// <param name="catalog">The signals rules may name.</param>
    /// <param name="qualifySignal">For <see cref="RuleKind.Qualify"/>: the signal whose attributes the condition reads.</param>
    /// <returns>The compilation.</returns>
    public static Compilation Compile(string source, RuleKind kind, SignalCatalog catalog, string? qualifySignal = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(catalog);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }

        var diagnostics = new DiagnosticBag(source);
        var syntax = RuleSyntaxTree.Parse(source, diagnostics, out var complete);
        if (!complete)
        {
            return new Compilation(diagnostics.Diagnostics, null, null);
        }

        SignalSchema? signal = null;
        if (kind == RuleKind.Qualify && (qualifySignal is null || !catalog.TryGetSignal(qualifySignal, out signal)))
        {
            diagnostics.UnknownQualifySignal(new TextSpan(0, 0), qualifySignal);
            return new Compilation(diagnostics.Diagnostics, null, null);
        }

        var binder = new Binder(catalog, diagnostics);
        var bound = binder.BindRoot(syntax, kind, signal);
        if (diagnostics.HasErrors)
        {
            return new Compilation(diagnostics.Diagnostics, null, null);
        }

        Dictionary<BoundAggregation, Polarity>? positions = null;
        if (kind != RuleKind.Qualify)
        {
            positions = AntiGamingAnalysis.Positions(bound);
            AntiGamingAnalysis.Check(bound, positions, kind, catalog, diagnostics);
            if (diagnostics.HasErrors)
            {
                return new Compilation(diagnostics.Diagnostics, null, null);
            }
        }

        var emitter = new Emitter(binder.LocalSlots, positions);
        return kind switch
        {
            RuleKind.Metric => new Compilation(diagnostics.Diagnostics, new CompiledRule(source, kind, SignalUses(bound), emitter.Number(bound), null), null),
            RuleKind.Requirement => new Compilation(diagnostics.Diagnostics, new CompiledRule(source, kind, SignalUses(bound), null, emitter.Bool(bound)), null),
            _ => new Compilation(diagnostics.Diagnostics, null, new CompiledPredicate(source, signal!.Type, emitter.Bool(bound), binder.LocalSlots)),
        };
    }

    private static List<SignalUse> SignalUses(BoundExpression root)
    {
        var widest = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        foreach (var aggregation in Aggregations(root))
        {
            var type = aggregation.Signal.Type;
            widest[type] = !widest.TryGetValue(type, out var known) ? aggregation.Window
                : known is null || aggregation.Window is null ? null
                : TimeSpan.FromTicks(Math.Max(known.Value.Ticks, aggregation.Window.Value.Ticks));
        }

        return [.. widest.Select(pair => new SignalUse(pair.Key, pair.Value))];
    }

    private static IEnumerable<BoundAggregation> Aggregations(BoundExpression node)
    {
        switch (node)
        {
            case BoundAggregation aggregation:
                yield return aggregation;
                break;
            case BoundUnary unary:
                foreach (var inner in Aggregations(unary.Operand))
                {
                    yield return inner;
                }

                break;
            case BoundBinary binary:
                foreach (var inner in Aggregations(binary.Left).Concat(Aggregations(binary.Right)))
                {
                    yield return inner;
                }

                break;
            case BoundMinMax minMax:
                foreach (var inner in minMax.Arguments.SelectMany(Aggregations))
                {
                    yield return inner;
                }

                break;
        }
    }
}
