namespace Achievements.Scoring;

/// <summary>Thresholds of the gaming detectors (<c>Achievements:Detection:...</c>). Never shown to employees.</summary>
public sealed class DetectionOptions
{
    /// <summary>How far back the review-ring detector looks.</summary>
    public int RingWindowDays { get; set; } = 90;

    /// <summary>Counted approvals each way before a pair can be a ring.</summary>
    public int RingMinimumApprovals { get; set; } = 5;

    /// <summary>Share of each one's approvals that go to the other, for a pair.</summary>
    public double RingPairShare { get; set; } = 0.6;

    /// <summary>Share of each member's approvals that stay inside a group of 3 to 6.</summary>
    public double RingGroupShare { get; set; } = 0.8;

    /// <summary>
    /// Share of each member's counted approvals (in the ring window) that go to other members of a closed circle
    /// on another team. Approvals of one's own teammates count among what a member gave, never as inside.
    /// </summary>
    public double CircleShare { get; set; } = 0.8;

    /// <summary>Counted approvals in the ring window before someone can be a member of a closed circle.</summary>
    public int CircleMinimumApprovals { get; set; } = 5;

    public int BurstEvents { get; set; } = 20;

    public int BurstWindowMinutes { get; set; } = 10;

    /// <summary>How far back bursts are looked for.</summary>
    public int BurstLookbackDays { get; set; } = 30;

    public int TokenBurnWindowDays { get; set; } = 30;

    public double TokenBurnZ { get; set; } = 3.5;

    public long TokenBurnMinimumTokens { get; set; } = 1_000_000;
}

/// <summary>A detector's finding, before it is stored as a flag.</summary>
public sealed record Finding(string Detector, IReadOnlyList<string> Employees, double Score, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, object Evidence, string Key)
{
    public const string ReviewRing = "review-ring";
    public const string Burst = "burst";
    public const string TokenBurn = "token-burn";
    public const string ClosedCircle = "closed-circle";

    /// <summary>The detectors whose findings hold awards while open: ring, circle and burst. Token burn only informs.</summary>
    public static IReadOnlyList<string> Holding { get; } = [ReviewRing, ClosedCircle, Burst];

    /// <summary>The detectors whose confirmed findings are collusion: approvals between their members stop counting.</summary>
    public static IReadOnlyList<string> Colluding { get; } = [ReviewRing, ClosedCircle];

    public bool Holds => Holding.Contains(Detector);
}

/// <summary>
/// The detectors, as pure functions over employees' activity (their judged events, reduced), so that the service,
/// the publish gate and the simulation all run exactly the same code.
/// </summary>
public static class Detectors
{
    /// <summary>Every detector over judged events: reduces each employee's, then runs <see cref="All(IReadOnlyDictionary{string, EmployeeActivity}, IReadOnlyDictionary{string, string}, DateTimeOffset, DetectionOptions, bool)"/>.</summary>
    public static IEnumerable<Finding> All(IReadOnlyDictionary<string, CountedEvents> employees, IReadOnlyDictionary<string, string?> teams, SignalCatalog catalog, DateTimeOffset now, DetectionOptions options, bool withTokenBurn = true) =>
        All(employees.ToDictionary(e => e.Key, e => EmployeeActivity.From(e.Key, e.Value, catalog, now, options), StringComparer.Ordinal), teams, now, options, withTokenBurn);

    /// <summary>Every detector; token burn compares everyone with everyone, so only a run over the whole organisation includes it.</summary>
    /// <param name="employees">Each employee's activity.</param>
    /// <param name="teams">Each employee's directory team; someone missing, or with none, is on no team.</param>
    /// <param name="now">The moment the windows end.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="withTokenBurn">Whether to compare everyone's tokens.</param>
    public static IEnumerable<Finding> All(IReadOnlyDictionary<string, EmployeeActivity> employees, IReadOnlyDictionary<string, string?> teams, DateTimeOffset now, DetectionOptions options, bool withTokenBurn = true) =>
        ReviewRings(employees, now, options)
            .Concat(ClosedCircles(employees, teams, now, options))
            .Concat(Bursts(employees, now, options))
            .Concat(withTokenBurn ? TokenBurn(employees, now, options) : []);

    /// <summary>
    /// Pairs who mostly approve each other, and closed groups of 3 to 6. Counted approvals only: self-approvals
    /// and bots never reach here, and a confirmed ring's approvals are already excluded.
    /// </summary>
    public static IEnumerable<Finding> ReviewRings(IReadOnlyDictionary<string, EmployeeActivity> employees, DateTimeOffset now, DetectionOptions options)
    {
        var from = now.AddDays(-options.RingWindowDays);
        var (approvals, totals) = ApprovalsAfter(employees, from);

        int Count(string a, string b) => approvals.GetValueOrDefault((a, b));
        double Share(string a, string b) => totals.GetValueOrDefault(a) == 0 ? 0 : (double)Count(a, b) / totals[a];

        var pairs = approvals.Keys
            .Where(k => string.CompareOrdinal(k.Approver, k.Author) < 0)
            .Where(k => Count(k.Approver, k.Author) >= options.RingMinimumApprovals && Count(k.Author, k.Approver) >= options.RingMinimumApprovals)
            .Where(k => Share(k.Approver, k.Author) >= options.RingPairShare && Share(k.Author, k.Approver) >= options.RingPairShare);
        foreach (var (a, b) in pairs)
        {
            yield return RingFinding([a, b], Math.Min(Share(a, b), Share(b, a)), from, now, approvals);
        }

        // Groups: around each reviewer, everyone they trade at least the minimum of approvals with (either way);
        // a group of 3 to 6 whose members each keep most of their approvals inside it is a ring.
        var traded = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var ((approver, author), count) in approvals)
        {
            foreach (var (a, b) in new[] { (approver, author), (author, approver) })
            {
                var row = traded.TryGetValue(a, out var existing) ? existing : traded[a] = new Dictionary<string, int>(StringComparer.Ordinal);
                row[b] = row.GetValueOrDefault(b) + count;
            }
        }

        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (seed, partners) in traded.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var group = partners.Where(p => p.Value >= options.RingMinimumApprovals).Select(p => p.Key).Append(seed).Order(StringComparer.Ordinal).ToList();
            if (group.Count is < 3 or > 6 || !groups.Add(string.Join(',', group)))
            {
                continue;
            }

            var inside = group.Select(member => (Member: member, Inside: group.Sum(other => Count(member, other)))).ToList();
            var shares = inside.Select(m => totals.GetValueOrDefault(m.Member) == 0 ? 0 : (double)m.Inside / totals[m.Member]).ToList();
            if (inside.All(m => m.Inside >= options.RingMinimumApprovals) && shares.All(share => share >= options.RingGroupShare))
            {
                yield return RingFinding(group, shares.Min(), from, now, approvals);
            }
        }
    }

    /// <summary>
    /// Closed circles of any size from three: people not on one directory team whose counted approvals stay among
    /// themselves (each member gives at least <see cref="DetectionOptions.CircleShare"/> of theirs to other members
    /// on another team). Approvals between people on the same team are legitimate review and never tie anyone into
    /// a circle, so a team that reviews itself is not one; the ring detector still looks at its pairs and groups.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The circle is found by peeling, not by growing groups around a seed (as the ring detector does, which is
    /// why it stops at six). Start with everyone who gave at least <see cref="DetectionOptions.CircleMinimumApprovals"/>;
    /// whoever gives under the share to the others still left drops out, which lowers what those who approved them
    /// keep inside, so they are looked at again; repeat until nobody drops. What remains is the one largest set in
    /// which everyone keeps the share inside (such sets are closed under union, and peeling never removes a member
    /// of one), whatever its size, found in time linear in the approvals. Its connected parts are the circles.
    /// </para>
    /// <para>
    /// Taking connected parts of the candidates first and only then checking the share would let a circle hide
    /// by adding one hanger-on (a busy reviewer who approves one member and forty others): the part would fail as
    /// a whole. Peeling drops the hanger-on and still finds the circle. An honest organisation is peeled away
    /// entirely: its people give most approvals to teammates, which never count as inside.
    /// </para>
    /// <para>
    /// Every tie in a circle is an approval across team lines, so its members are never all on one team. People
    /// without a team in the directory are on no team: a group of them reviewing only each other is a circle.
    /// Pairs are left to <see cref="ReviewRings"/>.
    /// </para>
    /// </remarks>
    public static IEnumerable<Finding> ClosedCircles(IReadOnlyDictionary<string, EmployeeActivity> employees, IReadOnlyDictionary<string, string?> teams, DateTimeOffset now, DetectionOptions options)
    {
        var from = now.AddDays(-options.RingWindowDays);
        var (approvals, totals) = ApprovalsAfter(employees, from);

        // The directory's team is typed by people: "Platform" and "platform " are one team. Splitting a team in two
        // would make honest teammates look like a circle; a blank team is none.
        string? TeamOf(string employee) => teams.GetValueOrDefault(employee) is { } team && !string.IsNullOrWhiteSpace(team) ? team.Trim() : null;

        // The approvals across team lines, both ways round: the ties a circle is made of.
        var given = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var approvedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var ((approver, author), count) in approvals)
        {
            if (TeamOf(approver) is { } team && string.Equals(team, TeamOf(author), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            (given.TryGetValue(approver, out var row) ? row : given[approver] = new Dictionary<string, int>(StringComparer.Ordinal))[author] = count;
            (approvedBy.TryGetValue(author, out var approvers) ? approvers : approvedBy[author] = []).Add(approver);
        }

        var members = totals.Where(t => t.Value >= options.CircleMinimumApprovals).Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        var inside = members.ToDictionary(m => m, m => given.GetValueOrDefault(m)?.Where(a => members.Contains(a.Key)).Sum(a => a.Value) ?? 0, StringComparer.Ordinal);
        double Share(string member) => (double)inside[member] / totals[member];

        var leaving = new Queue<string>(members.Where(m => Share(m) < options.CircleShare));
        while (leaving.TryDequeue(out var gone))
        {
            if (!members.Remove(gone))
            {
                continue;
            }

            foreach (var approver in approvedBy.GetValueOrDefault(gone) ?? [])
            {
                if (members.Contains(approver))
                {
                    inside[approver] -= given[approver][gone];
                    if (Share(approver) < options.CircleShare)
                    {
                        leaving.Enqueue(approver);
                    }
                }
            }
        }

        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var seed in members.Order(StringComparer.Ordinal))
        {
            if (!placed.Add(seed))
            {
                continue;
            }

            var circle = new List<string> { seed };
            for (var next = 0; next < circle.Count; next++)
            {
                var member = circle[next];
                var ties = ((IEnumerable<string>?)given.GetValueOrDefault(member)?.Keys ?? []).Concat(approvedBy.GetValueOrDefault(member) ?? []);
                circle.AddRange(ties.Where(other => members.Contains(other) && placed.Add(other)));
            }

            if (circle.Count >= 3)
            {
                var sorted = circle.Order(StringComparer.Ordinal).ToList();
                var evidence = new
                {
                    share = sorted.Min(Share),
                    members = sorted.Select(m => new { employee = m, team = TeamOf(m), approvals = totals[m], inside = inside[m], share = Share(m) }).ToList(),
                };
                yield return new Finding(Finding.ClosedCircle, sorted, evidence.share, from, now, evidence, $"{Finding.ClosedCircle}:{string.Join(',', sorted)}");
            }
        }
    }

    /// <summary>At least N events of one outcome signal from one employee within M minutes: faster than people work.</summary>
    public static IEnumerable<Finding> Bursts(IReadOnlyDictionary<string, EmployeeActivity> employees, DateTimeOffset now, DetectionOptions options)
    {
        var from = now.AddDays(-options.BurstLookbackDays);
        foreach (var (employee, activity) in employees)
        {
            foreach (var run in activity.Bursts.Where(run => run.Count >= options.BurstEvents && run.Start > from && run.End <= now))
            {
                var evidence = new { signal = run.Signal, events = run.Count, minutes = options.BurstWindowMinutes };
                yield return new Finding(Finding.Burst, [employee], run.Count, run.Start, run.End, evidence,
                    $"{Finding.Burst}:{employee}:{run.Signal}:{run.Start.UtcTicks}");
            }
        }
    }

    /// <summary>
    /// Tokens per counted outcome over 30 days, scored with a robust z-score against everyone who used tokens.
    /// Informational: tokens earn nothing anyway, but admins see who spends without result.
    /// </summary>
    public static IEnumerable<Finding> TokenBurn(IReadOnlyDictionary<string, EmployeeActivity> employees, DateTimeOffset now, DetectionOptions options)
    {
        var from = now.AddDays(-options.TokenBurnWindowDays);
        var spenders = employees
            .Select(pair => (Employee: pair.Key, pair.Value.Tokens, pair.Value.Outcomes, PerOutcome: pair.Value.Tokens / Math.Max(pair.Value.Outcomes, 1)))
            .Where(s => s.Tokens > 0)
            .ToList();
        if (spenders.Count < 3)
        {
            yield break;
        }

        var values = spenders.Select(s => s.PerOutcome).ToList();
        var median = Median(values);
        var mad = Median([.. values.Select(v => Math.Abs(v - median))]);
        var meanAbsolute = values.Average(v => Math.Abs(v - median));
        foreach (var spender in spenders.Where(s => s.Tokens >= options.TokenBurnMinimumTokens))
        {
            // The modified z-score of Iglewicz and Hoaglin; when over half the values are equal (MAD 0),
            // the mean absolute deviation stands in, scaled to match a normal distribution's spread.
            var z = mad > 0 ? 0.6745 * (spender.PerOutcome - median) / mad
                : meanAbsolute > 0 ? (spender.PerOutcome - median) / (1.2533 * meanAbsolute)
                : 0;
            if (z > options.TokenBurnZ)
            {
                var evidence = new { tokens = spender.Tokens, countedOutcomes = spender.Outcomes, tokensPerOutcome = spender.PerOutcome, median, z };
                yield return new Finding(Finding.TokenBurn, [spender.Employee], z, from, now, evidence, $"{Finding.TokenBurn}:{spender.Employee}");
            }
        }
    }

    /// <summary>Counted approvals after <paramref name="from"/>, by approver and author, and each approver's total.</summary>
    private static (Dictionary<(string Approver, string Author), int> Approvals, Dictionary<string, int> Totals) ApprovalsAfter(IReadOnlyDictionary<string, EmployeeActivity> employees, DateTimeOffset from)
    {
        var approvals = new Dictionary<(string Approver, string Author), int>();
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (employee, activity) in employees)
        {
            foreach (var author in activity.ApprovalTimes.Keys)
            {
                if (activity.ApprovalsOf(author, from) is var count and > 0)
                {
                    approvals[(employee, author)] = count;
                    totals[employee] = totals.GetValueOrDefault(employee) + count;
                }
            }
        }

        return (approvals, totals);
    }

    private static Finding RingFinding(IReadOnlyCollection<string> members, double score, DateTimeOffset from, DateTimeOffset now, Dictionary<(string Approver, string Author), int> approvals)
    {
        var sorted = members.Order(StringComparer.Ordinal).ToList();
        var evidence = new
        {
            approvals = sorted.SelectMany(a => sorted.Where(b => b != a).Select(b => new { approver = a, author = b, count = approvals.GetValueOrDefault((a, b)) }))
                .Where(x => x.count > 0).ToList(),
        };
        return new Finding(Finding.ReviewRing, sorted, score, from, now, evidence, $"{Finding.ReviewRing}:{string.Join(',', sorted)}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
