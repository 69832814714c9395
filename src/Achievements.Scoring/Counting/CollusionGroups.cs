namespace Achievements.Scoring;

/// <summary>
/// Confirmed review rings: for each member, the others. Approvals between members stop counting,
/// since an admin has confirmed they were traded rather than earned.
/// </summary>
public sealed class CollusionGroups(IReadOnlyDictionary<string, HashSet<string>> mates)
{
    public static readonly CollusionGroups None = new(new Dictionary<string, HashSet<string>>());

    public bool Colluded(string approver, string? author) =>
        author is not null && mates.TryGetValue(approver, out var others) && others.Contains(author);

    public static CollusionGroups From(IEnumerable<(long Group, string Employee)> members)
    {
        var mates = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in members.GroupBy(m => m.Group))
        {
            foreach (var (_, employee) in group)
            {
                (mates.TryGetValue(employee, out var set) ? set : mates[employee] = new HashSet<string>(StringComparer.Ordinal))
                    .UnionWith(group.Select(m => m.Employee).Where(other => other != employee));
            }
        }

        return new CollusionGroups(mates);
    }
}
