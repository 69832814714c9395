namespace Achievements.Rules;

/// <summary>A signal a compiled rule reads, and how far back it looks.</summary>
/// <param name="Signal">The signal type.</param>
/// <param name="Window">The widest window over the signal; null when some aggregation reads all history.</param>
/// <example><c>count(pr.merged, 90d) - count(pr.reverted)</c> uses <c>(pr.merged, 90d)</c> and <c>(pr.reverted, null)</c>.</example>
public sealed record SignalUse(string Signal, TimeSpan? Window);

/// <summary>
/// A metric or requirement compiled into closures. Immutable and safe to share between threads;
/// evaluating allocates nothing and never throws on the events it is given. The overloads that take
/// an evidence collection also report which events made the result (the reason for an award).
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
        return Metric(new EvalFrame(events, now.UtcTicks, null, []));
    }

    /// <summary>
    /// Evaluates a metric and adds to <paramref name="evidence"/> the events that made it: for each
    /// aggregation that raises the metric, the events in its window that its <c>where</c> accepts and
    /// that it counted. The value is the same as without evidence.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Per aggregation: <c>count</c> and <c>days</c> add every accepted event (all of a day's, not
    /// one per day); <c>sum</c> those with a number; <c>distinct</c> every accepted event that carries
    /// a value (all of them, not one per distinct value; an empty list carries none); <c>streak</c>
    /// only the events of the longest run, and of the latest run when several are as long.
    /// </para>
    /// <para>
    /// An aggregation contributes when a larger value of it could raise the metric, by the same
    /// polarity the anti-gaming check uses: in <c>a / b</c> and <c>a - b</c> only <c>a</c>, under
    /// unary <c>-</c> nothing, in <c>+</c>, <c>*</c>, <c>min</c> and <c>max</c> both sides (of
    /// non-negative operands; see docs/rules.md, "Evidence").
    /// </para>
    /// <para>
    /// Events are not deduplicated: one that two aggregations read is added twice. Pass a
    /// <see cref="HashSet{T}"/> of <see cref="RuleEvent"/> (compared by reference) to keep each once.
    /// Events are added in time order per aggregation and in the rule's order across aggregations;
    /// nothing is cleared first. This overload allocates only what the collection does as it grows.
    /// </para>
    /// </remarks>
    /// <param name="events">The employee's counted events.</param>
    /// <param name="now">The end of every window (inclusive).</param>
    /// <param name="evidence">Receives the events; typically empty on entry.</param>
    /// <returns>The metric value, compared against tier thresholds.</returns>
    /// <exception cref="InvalidOperationException">The rule is a requirement.</exception>
    /// <example>
    /// <code>
    /// // Merges with ai_assisted == true are the evidence; the tokens only divide.
    /// var rule = RuleCompiler.Compile(
    ///     "count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d)",
    ///     RuleKind.Metric, catalog).Rule!;
    /// var evidence = new HashSet&lt;RuleEvent&gt;(ReferenceEqualityComparer.Instance);
    /// double value = rule.EvaluateMetric(events, DateTimeOffset.UtcNow, evidence);
    /// </code>
    /// </example>
    public double EvaluateMetric(EmployeeEvents events, DateTimeOffset now, ICollection<RuleEvent> evidence)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(evidence);
        return Metric(new EvalFrame(events, now.UtcTicks, null, [], evidence));
    }

    /// <summary>Evaluates a requirement.</summary>
    /// <param name="events">The employee's counted events.</param>
    /// <param name="now">The end of every window (inclusive).</param>
    /// <returns>Whether the requirement holds.</returns>
    /// <exception cref="InvalidOperationException">The rule is a metric.</exception>
    public bool EvaluateRequirement(EmployeeEvents events, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Requirement(new EvalFrame(events, now.UtcTicks, null, []));
    }

    /// <summary>
    /// Evaluates a requirement and adds to <paramref name="evidence"/> the events of the aggregations
    /// that help it hold, with the same per-aggregation rules as
    /// <see cref="EvaluateMetric(EmployeeEvents, DateTimeOffset, ICollection{RuleEvent})"/>.
    /// </summary>
    /// <remarks>
    /// An aggregation helps when a larger value of it could make the requirement hold: <c>a</c> in
    /// <c>a &gt;= 5</c>, nothing in <c>a &lt; 3</c> (absence made it hold). <c>and</c> and <c>or</c>
    /// stop at the side that decides, as without evidence, so the events are those of the sides
    /// evaluated: when <c>x or y</c> holds by <c>y</c> alone, <c>x</c>'s events are included too.
    /// Not deduplicated; see the metric overload.
    /// </remarks>
    /// <param name="events">The employee's counted events.</param>
    /// <param name="now">The end of every window (inclusive).</param>
    /// <param name="evidence">Receives the events; typically empty on entry.</param>
    /// <returns>Whether the requirement holds.</returns>
    /// <exception cref="InvalidOperationException">The rule is a metric.</exception>
    /// <example>
    /// <code>
    /// // "count(pr.merged where ai_assisted == true, 90d) >= 5": the ai-assisted merges.
    /// var evidence = new List&lt;RuleEvent&gt;();
    /// bool holds = requirement.EvaluateRequirement(events, DateTimeOffset.UtcNow, evidence);
    /// </code>
    /// </example>
    public bool EvaluateRequirement(EmployeeEvents events, DateTimeOffset now, ICollection<RuleEvent> evidence)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(evidence);
        return Requirement(new EvalFrame(events, now.UtcTicks, null, [], evidence));
    }

    private double Metric(in EvalFrame frame)
    {
        if (_metric is null)
        {
            throw new InvalidOperationException("This rule is a requirement; call EvaluateRequirement.");
        }

        var value = _metric(in frame);
        return double.IsNaN(value) ? 0 : value;
    }

    private bool Requirement(in EvalFrame frame) =>
        _requirement is null
            ? throw new InvalidOperationException("This rule is a metric; call EvaluateMetric.")
            : _requirement(in frame);
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
