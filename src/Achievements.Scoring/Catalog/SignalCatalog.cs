namespace Achievements.Scoring;

/// <summary>One attribute of a signal's schema. Numbers are finite and non-negative unless <see cref="Signed"/>.</summary>
public sealed record AttributeDefinition(string Name, string Type, bool Optional = false, bool Signed = false)
{
    public static readonly IReadOnlyList<string> Types = ["int", "number", "string", "bool", "string[]"];

    public bool IsNumeric => Type is "int" or "number";
}

/// <summary>Which correction undoes an outcome, matched on one attribute (<c>pr.reverted</c> on <c>pr_id</c>).</summary>
public sealed record CorrectedBy(string Signal, string On);

/// <summary>A named per-event condition in the rule language's <c>where</c> scope; all must hold for an event to count.</summary>
public sealed record QualifyCondition(string Name, string Condition);

/// <summary>A signal: its kind, its attribute schema, and the policy that decides which of its events count.</summary>
public sealed record SignalDefinition(
    string Type,
    string Kind,
    string Description,
    IReadOnlyList<AttributeDefinition> Attributes,
    string? Settlement,
    CorrectedBy? CorrectedBy,
    int? DailyCap,
    IReadOnlyList<QualifyCondition> Qualify,
    bool BuiltIn)
{
    public const string Outcome = "outcome";
    public const string Volume = "volume";
    public const string Correction = "correction";
    public static readonly IReadOnlyList<string> Kinds = [Outcome, Volume, Correction];

    public AttributeDefinition? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>How long an event waits before it counts; no settlement means it counts as soon as it arrives.</summary>
    public TimeSpan SettlementWindow => PolicyDuration.TryParse(Settlement, out var window) ? window : TimeSpan.Zero;
}

/// <summary>The signal catalog: small, loaded whole, since every use needs most of it.</summary>
public sealed class SignalCatalog(IReadOnlyList<SignalDefinition> signals)
{
    private readonly Dictionary<string, SignalDefinition> _byType = signals.ToDictionary(s => s.Type, StringComparer.Ordinal);

    public IReadOnlyList<SignalDefinition> Signals => signals;

    public SignalDefinition? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>Whether events of this type are outcomes: the only kind that can earn, or be an award's evidence.</summary>
    public bool IsOutcome(string type) => Find(type)?.Kind == SignalDefinition.Outcome;
}
