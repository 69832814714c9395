namespace Achievements.Rules;

/// <summary>What a piece of rule source is compiled as; decides its expected type and scope.</summary>
/// <example><c>RuleKind.Metric</c> for <c>count(pr.merged, 365d)</c>.</example>
public enum RuleKind
{
    /// <summary>A number; tiers are thresholds on it.</summary>
    Metric,

    /// <summary>A boolean that must hold for any tier to be awarded.</summary>
    Requirement,

    /// <summary>A per-event boolean in <c>where</c> scope, held by the signal catalog.</summary>
    Qualify,
}
