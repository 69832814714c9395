namespace Achievements.Scoring;

/// <summary>
/// Closed circles the detectors flagged (open or confirmed): for each member, their circle. Inside a circle, every
/// member's vouching for another is one voice, the circle's, so trading approvals around a ring of any size adds
/// breadth to nobody.
/// </summary>
/// <example>
/// With ann, ben and cat in circle 7: <c>VoiceOf("ann", "ben")</c> and <c>VoiceOf("ann", "cat")</c> are both
/// <c>circle:7</c>, one voice; <c>VoiceOf("ann", "dev")</c> is <c>dev</c>, and so is <c>VoiceOf("dev", "ben")</c>,
/// since a member vouching for an outsider is an ordinary voice.
/// </example>
/// <param name="circleOf">Employee → circle id.</param>
public sealed class VoiceCircles(IReadOnlyDictionary<string, long> circleOf)
{
    public static VoiceCircles None { get; } = new(new Dictionary<string, long>(StringComparer.Ordinal));

    /// <summary>The voice <paramref name="voucher"/> speaks with for <paramref name="actor"/>: the shared circle's, or their own.</summary>
    public string VoiceOf(string actor, string voucher) =>
        circleOf.TryGetValue(actor, out var mine) && circleOf.TryGetValue(voucher, out var theirs) && mine == theirs
            ? $"circle:{mine.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : voucher;

    /// <summary>
    /// From circle flags' members. Flags that share a member are one circle, numbered by the lowest flag id: the
    /// same circle flagged again with a member more or less is still one relationship, not two.
    /// </summary>
    public static VoiceCircles From(IEnumerable<(long Circle, string Employee)> members)
    {
        var circleOf = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var flag in members.GroupBy(m => m.Circle).OrderBy(g => g.Key))
        {
            var employees = flag.Select(m => m.Employee).ToList();
            var joined = employees.Where(circleOf.ContainsKey).Select(e => circleOf[e]).Append(flag.Key).ToHashSet();
            var circle = joined.Min();
            foreach (var employee in circleOf.Where(c => joined.Contains(c.Value)).Select(c => c.Key).ToList())
            {
                circleOf[employee] = circle;
            }

            foreach (var employee in employees)
            {
                circleOf[employee] = circle;
            }
        }

        return new VoiceCircles(circleOf);
    }
}
