namespace Achievements.Scoring;

/// <summary>
/// The directory's teams as the detectors compare them. A team is typed by people: "Platform" and "platform " are one
/// team, since splitting a team in two would make honest teammates look like strangers; a blank team is none.
/// </summary>
internal sealed class Teams(IReadOnlyDictionary<string, string?> teams)
{
    public string? Of(string employee) =>
        teams.GetValueOrDefault(employee) is { } team && !string.IsNullOrWhiteSpace(team) ? team.Trim() : null;

    /// <summary>Whether both are on one directory team: their vouching for each other is what a team does.</summary>
    public bool Same(string a, string b) => Of(a) is { } team && string.Equals(team, Of(b), StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The organisation's vouching graph in the ring window: who approved whose merged (or merging) work how often, what
/// each gave and received in all, and the directory's teams. Built once per detection run and shared by the rings,
/// circles and patronage detectors; linear in the number of approver-author pairs.
/// </summary>
internal sealed class ReviewGraph
{
    private readonly IReadOnlyDictionary<string, EmployeeActivity> _activities;
    private List<double>? _topAuthorShares;

    private ReviewGraph(IReadOnlyDictionary<string, EmployeeActivity> activities, Teams teams, DateTimeOffset from) =>
        (_activities, Teams, From) = (activities, teams, from);

    public Teams Teams { get; }

    public DateTimeOffset From { get; }

    /// <summary>Approvals by approver and author.</summary>
    public Dictionary<(string Approver, string Author), int> Approvals { get; } = [];

    /// <summary>Approvals each employee gave.</summary>
    public Dictionary<string, int> Given { get; } = new(StringComparer.Ordinal);

    /// <summary>Approvals each employee received.</summary>
    public Dictionary<string, int> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>Author → who approved them.</summary>
    public Dictionary<string, List<string>> ApproversOf { get; } = new(StringComparer.Ordinal);

    /// <summary>Approver → whom they approved.</summary>
    public Dictionary<string, List<string>> AuthorsOf { get; } = new(StringComparer.Ordinal);

    public static ReviewGraph Of(IReadOnlyDictionary<string, EmployeeActivity> activities, IReadOnlyDictionary<string, string?> teams, DateTimeOffset from)
    {
        var graph = new ReviewGraph(activities, new Teams(teams), from);
        foreach (var (approver, activity) in activities)
        {
            foreach (var author in activity.ApprovalTimes.Keys)
            {
                if (activity.ApprovalsOf(author, from) is var count and > 0)
                {
                    graph.Approvals[(approver, author)] = count;
                    graph.Given[approver] = graph.Given.GetValueOrDefault(approver) + count;
                    graph.Received[author] = graph.Received.GetValueOrDefault(author) + count;
                    (graph.ApproversOf.TryGetValue(author, out var approvers) ? approvers : graph.ApproversOf[author] = []).Add(approver);
                    (graph.AuthorsOf.TryGetValue(approver, out var authors) ? authors : graph.AuthorsOf[approver] = []).Add(author);
                }
            }
        }

        return graph;
    }

    /// <summary>
    /// The organisation's norm a ring or patronage flag is shown beside: for each reviewer, the share of what they gave
    /// that went to the one author they approved most.
    /// </summary>
    public IReadOnlyList<double> TopAuthorShares => _topAuthorShares ??= [.. Given.Keys.Select(r => AuthorsOf[r].Max(a => GivenShare(r, a)))];

    public int Count(string approver, string author) => Approvals.GetValueOrDefault((approver, author));

    /// <summary>Share of what <paramref name="approver"/> gave that went to <paramref name="author"/>.</summary>
    public double GivenShare(string approver, string author) =>
        Given.GetValueOrDefault(approver) is var given and > 0 ? (double)Count(approver, author) / given : 0;

    /// <summary>Share of what <paramref name="author"/> received that came from other teams (everything, without a team).</summary>
    public double CrossTeamReceivedShare(string author) =>
        Received.GetValueOrDefault(author) is var received and > 0
            ? (double)ApproversOf[author].Where(a => !Teams.Same(a, author)).Sum(a => Count(a, author)) / received
            : 0;

    /// <summary>The pull requests behind the approvals between members, at most <paramref name="limit"/>: the events a flag names.</summary>
    public List<object> Events(IReadOnlyCollection<string> approvers, IReadOnlyCollection<string> authors, int limit = 50)
    {
        var to = authors.ToHashSet(StringComparer.Ordinal);
        return [.. approvers
            .Where(_activities.ContainsKey)
            .SelectMany(approver => _activities[approver].ApprovedPulls
                .Where(p => p.Value.At > From && to.Contains(p.Value.Author) && p.Value.Author != approver)
                .Select(p => (Approver: approver, p.Value.Author, Pull: p.Key, p.Value.At)))
            .OrderBy(e => e.At).ThenBy(e => e.Pull, StringComparer.Ordinal)
            .Take(limit)
            .Select(e => (object)new { approver = e.Approver, author = e.Author, pull = e.Pull, at = e.At })];
    }
}

/// <summary>Robust scores against the organisation's own people: what "normal here" means for a detector.</summary>
internal static class Robust
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// The spread a robust z-score divides by: the median absolute deviation, or, when more than half the values are
    /// equal (MAD 0), the mean absolute deviation scaled to match a normal distribution's; never below
    /// <paramref name="floor"/>, so that an organisation where everyone works alike does not make a small difference an outlier.
    /// </summary>
    public static (double Median, double Spread) Baseline(IReadOnlyList<double> values, double floor)
    {
        var median = Median(values);
        var mad = Median([.. values.Select(v => Math.Abs(v - median))]);
        var spread = mad > 0 ? mad / 0.6745 : values.Count == 0 ? 0 : 1.2533 * values.Average(v => Math.Abs(v - median));
        return (median, Math.Max(spread, floor));
    }

    /// <summary>The modified z-score of Iglewicz and Hoaglin, 0.6745·(x − median)/MAD, with <see cref="Baseline"/>'s spread.</summary>
    public static double Z(double value, (double Median, double Spread) baseline) =>
        baseline.Spread > 0 ? (value - baseline.Median) / baseline.Spread : 0;
}
