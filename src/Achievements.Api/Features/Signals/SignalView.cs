namespace Achievements.Api.Features.Signals;

/// <summary>
/// A signal as the API shows and accepts it: <c>attributes</c> maps each name to its type, and the
/// <c>optional</c> and <c>signed</c> lists mark the exceptions to "required" and "non-negative".
/// </summary>
internal sealed record SignalView(
    string Type,
    string Kind,
    string Description,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> Optional,
    IReadOnlyList<string> Signed,
    string? Settlement,
    CorrectedBy? CorrectedBy,
    int? DailyCap,
    IReadOnlyList<QualifyCondition> Qualify,
    ShippedBy? ShippedBy,
    Voices? Voices,
    IReadOnlyList<string> AuthoritativeSources,
    bool BuiltIn)
{
    public static SignalView From(SignalDefinition signal) => new(
        signal.Type,
        signal.Kind,
        signal.Description,
        signal.Attributes.ToDictionary(a => a.Name, a => a.Type),
        [.. signal.Attributes.Where(a => a.Optional).Select(a => a.Name)],
        [.. signal.Attributes.Where(a => a.Signed).Select(a => a.Name)],
        signal.Settlement,
        signal.CorrectedBy,
        signal.DailyCap,
        signal.Qualify,
        signal.ShippedBy,
        signal.Voices,
        signal.AuthoritativeSources,
        signal.BuiltIn);
}
