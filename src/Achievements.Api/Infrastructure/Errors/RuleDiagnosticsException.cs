namespace Achievements.Api.Infrastructure.Errors;

/// <summary>Rule source that does not compile. Becomes a 400 problem details listing every diagnostic.</summary>
internal sealed class RuleDiagnosticsException(IReadOnlyList<FieldDiagnostic> diagnostics)
    : Exception("The rule does not compile.")
{
    public IReadOnlyList<FieldDiagnostic> Diagnostics { get; } = diagnostics;
}
