using Achievements.Rules;

namespace Achievements.Api.Infrastructure.Errors;

/// <summary>A diagnostic of the rule compiler, with the request field whose source it points into.</summary>
internal sealed record FieldDiagnostic(string Field, string Code, string Severity, string Message, int Line, int Column, int Start, int Length)
{
    public static FieldDiagnostic From(string field, Diagnostic diagnostic) => new(
        field,
        diagnostic.Code,
        diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning",
        diagnostic.Message,
        diagnostic.Line,
        diagnostic.Column,
        diagnostic.Start,
        diagnostic.Length);
}

/// <summary>Rule source that does not compile. Becomes a 400 problem details listing every diagnostic.</summary>
internal sealed class RuleDiagnosticsException(IReadOnlyList<FieldDiagnostic> diagnostics)
    : Exception("The rule does not compile.")
{
    public IReadOnlyList<FieldDiagnostic> Diagnostics { get; } = diagnostics;
}
