namespace Achievements.Rules;

/// <summary>
/// What an evaluation can see: the employee's events and now (for aggregations), the current
/// event and the <c>exists</c> variables (inside <c>where</c>). Passed by reference, never allocated.
/// </summary>
internal readonly struct EvalFrame(EmployeeEvents events, long nowTicks, RuleEvent? current, string?[] locals)
{
    public EmployeeEvents Events { get; } = events;

    public long NowTicks { get; } = nowTicks;

    public RuleEvent? Current { get; } = current;

    public string?[] Locals { get; } = locals;
}

/// <summary>A compiled piece of a rule: a closure over bound nodes.</summary>
internal delegate T Eval<out T>(in EvalFrame frame);
