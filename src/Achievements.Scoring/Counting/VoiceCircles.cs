namespace Achievements.Scoring;

/// <summary>
/// Closed circles the detectors flagged (open or confirmed): for each member, their circle. Inside a circle, every
/// member's vouching for another is one voice, the circle's, so trading approvals around a ring of any size adds
/// breadth to nobody.
/// </summary>
public sealed class VoiceCircles(IReadOnlyDictionary<string, long> circleOf)
{
    public static VoiceCircles None { get; } = new(new Dictionary<string, long>());

    /// <summary>The voice <paramref name="voucher"/> speaks with for <paramref name="actor"/>: the shared circle's, or their own.</summary>
    public string VoiceOf(string actor, string voucher) =>
        circleOf.TryGetValue(actor, out var mine) && circleOf.TryGetValue(voucher, out var theirs) && mine == theirs ? $"circle:{mine}" : voucher;

    public static VoiceCircles From(IEnumerable<(long Circle, string Employee)> members) =>
        new(members.GroupBy(m => m.Employee, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(m => m.Circle), StringComparer.Ordinal));
}
