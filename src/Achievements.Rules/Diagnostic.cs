namespace Achievements.Rules;

/// <summary>How serious a <see cref="Diagnostic"/> is. Any error stops a rule from compiling.</summary>
/// <example><c>DiagnosticSeverity.Error</c> for <c>AG001</c>.</example>
public enum DiagnosticSeverity
{
    /// <summary>The rule cannot be compiled until this is fixed.</summary>
    Error,

    /// <summary>The rule compiles, but probably does not mean what its author meant.</summary>
    Warning,
}

/// <summary>
/// One problem found in rule source, positioned so an editor can underline it.
/// Every code is listed in <c>docs/rules.md</c>.
/// </summary>
/// <param name="Code">Stable code: <c>RL0xx</c> syntax, <c>RL1xx</c> names and types, <c>RL2xx</c> limits, <c>AG00x</c> anti-gaming.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Start">0-based offset of the first character in the source.</param>
/// <param name="Length">Number of characters marked; 0 at the end of the source.</param>
/// <param name="Line">1-based line of <paramref name="Start"/>.</param>
/// <param name="Column">1-based column of <paramref name="Start"/>.</param>
/// <example>
/// Compiling <c>count(pr.merge)</c> reports
/// <c>RL101</c> at <c>Start = 6, Length = 8, Line = 1, Column = 7</c>:
/// "unknown signal 'pr.merge'; did you mean 'pr.merged'?".
/// </example>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string Message,
    int Start,
    int Length,
    int Line,
    int Column)
{
    /// <summary>The diagnostic as <c>(line,column): CODE message</c>.</summary>
    /// <returns>One line of text.</returns>
    public override string ToString() => $"({Line},{Column}): {Code} {Message}";
}
