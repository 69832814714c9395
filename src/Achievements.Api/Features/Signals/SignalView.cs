using System.Text.Json;

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
    bool BuiltIn,
    Units? Units = null,
    Attribution? Attribution = null) : ISignalPolicy
{
    /// <summary>
    /// The fields fixed when a signal is created, by their JSON names: an update may repeat them but not change
    /// them, so that no policy can turn spend into an outcome. Every other field is policy.
    /// </summary>
    public static readonly IReadOnlyList<string> FixedFields =
        [.. new[] { nameof(Type), nameof(Kind), nameof(Attributes), nameof(Optional), nameof(Signed), nameof(BuiltIn) }.Select(JsonNamingPolicy.CamelCase.ConvertName)];

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
        signal.BuiltIn,
        signal.Units,
        signal.Attribution);

    /// <summary>
    /// The signal with this view's policy fields, its fixed fields as they were: the one list of what an update
    /// writes. A view read from a request may lack any field, so a missing <c>qualify</c> is none and a missing
    /// or empty description keeps the signal's own.
    /// </summary>
    public SignalDefinition ApplyPolicyTo(SignalDefinition signal) => signal with
    {
        Description = string.IsNullOrEmpty(Description) ? signal.Description : Description,
        Settlement = Settlement,
        CorrectedBy = CorrectedBy,
        DailyCap = DailyCap,
        Qualify = Qualify ?? [],
        ShippedBy = ShippedBy,
        Voices = Voices,
        AuthoritativeSources = AuthoritativeSources ?? [],
        Units = Units,
        Attribution = Attribution,
    };
}
