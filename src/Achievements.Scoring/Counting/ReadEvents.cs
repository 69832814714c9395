using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>An event as stored, less its attributes: the policy reads those once, into <see cref="ReadEvent.Rule"/>.</summary>
public sealed record StoredEvent
{
    public long Seq { get; init; }
    public required string Source { get; init; }
    public required string Type { get; init; }
    public required string Actor { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}

/// <summary>An event read once into the rule engine's form, with the value a correction would match it on.</summary>
public sealed record ReadEvent(StoredEvent Stored, RuleEvent Rule, SignalDefinition Signal, SignalSchema Schema, string? CorrectionKey)
{
    public CorrectedBy? CorrectedBy => Signal.CorrectedBy;

    public string? AttributeText(string name) => Schema.IndexOf(name) is var i and >= 0 ? Rule[i].TextValue : null;

    public double AttributeNumber(string name) => Schema.IndexOf(name) is var i and >= 0 ? Rule[i].NumberValue ?? 0 : 0;

    public bool AttributeIs(string name) => Schema.IndexOf(name) is var i and >= 0 && Rule[i].BoolValue == true;
}
