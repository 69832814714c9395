namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// Why a test is skipped on this branch: it asserts what only holds once the counting policy of "Corroborated
/// outcomes" is merged. Today agent-loop, rubber-stamper, patron-fed-farmer, closed-circle and mixed-circle earn
/// tiers their genuine work does not, so the gate refuses every badge paid by merges, approvals or accepted
/// suggestions, and the simulation's promise is broken. Remove each skip when that policy lands.
/// </summary>
internal static class AwaitingPolicy
{
    public const string CorroboratedOutcomes =
        "Until the corroborated-outcomes counting policy lands, agent-loop, rubber-stamper, patron-fed-farmer, closed-circle and mixed-circle beat the starter badges and the gate refuses them.";
}
