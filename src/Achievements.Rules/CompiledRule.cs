namespace Achievements.Rules;

/// <summary>A signal a compiled rule reads, and how far back it looks.</summary>
/// <param name="Signal">The signal type.</param>
/// <param name="Window">The widest window over the signal; null when some aggregation reads all history.</param>
/// <example><c>count(pr.merged, 90d) - count(pr.reverted)</c> uses <c>(pr.merged, 90d)</c> and <c>(pr.reverted, null)</c>.</example>
public sealed record SignalUse(string Signal, TimeSpan? Window);

/// <summary>
/// A metric or requirement compiled into closures. Immutable and safe to share between threads;
/// evaluating allocates nothing and never throws on the events it is given.
/// </summary>
/// <example>
/// <code>
/// var compilation = RuleCompiler.Compile("count(pr.merged, 365d)", RuleKind.Metric, catalog);
/// if (compilation.Rule is { } rule)
/// {
///     var events = EmployeeEvents.From(load(rule.Signals));
///     double value = rule.EvaluateMetric(events, DateTimeOffset.UtcNow);
/// }
/// </code>
/// </example>
public sealed class CompiledRule
{
    private readonly Eval<double>? _metric;
    private readonly Eval<bool>? _requirement;

    internal CompiledRule(string source, RuleKind kind, IReadOnlyList<SignalUse> signals, Eval<double>? metric, Eval<bool>? requirement)
    {
        Source = source;
        Kind = kind;
        Signals = signals;
        _metric = metric;
        _requirement = requirement;
    }

    /// <summary>The source the rule was compiled from.</summary>
    public string Source { get; }

    /// <summary><see cref="RuleKind.Metric"/> or <see cref="RuleKind.Requirement"/>.</summary>
    public RuleKind Kind { get; }

    /// <summary>The signals to load, each with the widest window the rule reads; the host loads only these.</summary>
    public IReadOnlyList<SignalUse> Signals { get; }

    /// <summary>Evaluates a metric: always a finite number.</summary>
    /// <param name="events">The employee's counted events.</param>
    /// <param name="now">The end of every window (inclusive).</param>
    /// <returns>The metric value, compared against tier thresholds.</returns>
    /// <exception cref="InvalidOperationException">The rule is a requirement.</exception>
    public double EvaluateMetric(EmployeeEvents events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_metric is null)
        {
            throw new InvalidOperationException("This rule is a requirement; call EvaluateRequirement.");
        }

        var frame = new EvalFrame(events, now.UtcTicks, null, []);
        var value = _metric(in frame);
        return double.IsNaN(value) ? 0 : value;
    }

    /// <summary>Evaluates a requirement.</summary>
    /// <param name="events">The employee's counted events.</param>
    /// <param name="now">The end of every window (inclusive).</param>
    /// <returns>Whether the requirement holds.</returns>
    /// <exception cref="InvalidOperationException">The rule is a metric.</exception>
    public bool EvaluateRequirement(EmployeeEvents events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_requirement is null)
        {
            throw new InvalidOperationException("This rule is a metric; call EvaluateMetric.");
        }

        var frame = new EvalFrame(events, now.UtcTicks, null, []);
        return _requirement(in frame);
    }
}

/// <summary>A compiled qualify condition: decides whether one event of its signal counts.</summary>
/// <example>
/// <code>
/// var compilation = RuleCompiler.Compile("exists(reviewers, r, r != actor)", RuleKind.Qualify, catalog, "pr.merged");
/// bool counts = compilation.Predicate!.Test(mergedEvent);
/// </code>
/// </example>
public sealed class CompiledPredicate
{
    private readonly Eval<bool> _condition;
    private readonly int _localSlots;

    internal CompiledPredicate(string source, string signal, Eval<bool> condition, int localSlots)
    {
        Source = source;
        Signal = signal;
        _condition = condition;
        _localSlots = localSlots;
    }

    /// <summary>The source the condition was compiled from.</summary>
    public string Source { get; }

    /// <summary>The signal type whose events the condition tests.</summary>
    public string Signal { get; }

    /// <summary>Tests one event. An event of another signal never qualifies, since its values mean other things.</summary>
    /// <param name="e">The event.</param>
    /// <returns>Whether the event counts.</returns>
    public bool Test(RuleEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!string.Equals(e.Signal, Signal, StringComparison.Ordinal))
        {
            return false;
        }

        var locals = _localSlots == 0 ? [] : System.Buffers.ArrayPool<string?>.Shared.Rent(_localSlots);
        try
        {
            var frame = new EvalFrame(EmployeeEvents.Empty, e.UtcTicks, e, locals);
            return _condition(in frame);
        }
        finally
        {
            if (_localSlots != 0)
            {
                System.Buffers.ArrayPool<string?>.Shared.Return(locals, clearArray: true);
            }
        }
    }
}
