namespace Achievements.Rules;

/// <summary>
/// What an evaluation can see: the employee's events and now (for aggregations), the current
/// event and the <c>exists</c> variables (inside <c>where</c>), and where to put the events that
/// made the result (null unless the host asked for evidence). Passed by reference, never allocated.
/// </summary>
internal readonly struct EvalFrame(EmployeeEvents events, long nowTicks, RuleEvent? current, string?[] locals, ICollection<RuleEvent>? evidence = null)
{
    public EmployeeEvents Events { get; } = events;

    public long NowTicks { get; } = nowTicks;

    public RuleEvent? Current { get; } = current;

    public string?[] Locals { get; } = locals;

    public ICollection<RuleEvent>? Evidence { get; } = evidence;
}

/// <summary>A compiled piece of a rule: a closure over bound nodes.</summary>
internal delegate T Eval<out T>(in EvalFrame frame);
