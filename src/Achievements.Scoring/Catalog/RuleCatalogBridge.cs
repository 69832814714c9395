using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>Hands the stored catalog to the rule compiler, which knows signals only as kinds and typed attributes.</summary>
public static class RuleCatalogBridge
{
    public static Rules.SignalCatalog ToRuleCatalog(this SignalCatalog catalog) =>
        new(catalog.Signals.Select(ToSchema));

    public static SignalSchema ToSchema(SignalDefinition signal) => new(
        signal.Type,
        signal.Kind switch
        {
            SignalDefinition.Outcome => SignalKind.Outcome,
            SignalDefinition.Correction => SignalKind.Correction,
            SignalDefinition.Evidence => SignalKind.Evidence,
            _ => SignalKind.Volume,
        },
        [.. signal.Attributes.Select(a => new AttributeSchema(a.Name, TypeOf(a.Type), a.Optional, a.Signed))]);

    private static AttributeType TypeOf(string type) => type switch
    {
        "int" => AttributeType.Int,
        "number" => AttributeType.Number,
        "bool" => AttributeType.Bool,
        "string[]" => AttributeType.StringList,
        _ => AttributeType.String,
    };
}
