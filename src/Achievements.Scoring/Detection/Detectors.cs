namespace Achievements.Scoring;

/// <summary>
/// The detectors, as pure functions over employees' activity (their judged events, reduced) and the directory's teams,
/// so that the service, the publish gate and the simulation all run exactly the same code. Independence is measured
/// against the organisation rather than matched against shapes: a team reviewing its own work is the baseline, never a
/// finding by itself; what is judged is vouching that crosses team lines and stays closed or concentrated, and output
/// that stands out from the organisation's own people in rate and substance together.
/// </summary>
public static partial class Detectors
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
    public static IEnumerable<Finding> All(IReadOnlyDictionary<string, EmployeeActivity> employees, IReadOnlyDictionary<string, string?> teams, DateTimeOffset now, DetectionOptions options, bool withTokenBurn = true)
    {
        var graph = ReviewGraph.Of(employees, teams, now.AddDays(-options.RingWindowDays));
        var circles = ClosedCircles(graph, now, options).ToList();
        // Inside a circle, every member is another's patron now and then: the circle is the one finding.
        var inCircle = circles.Select(c => c.Employees.ToHashSet(StringComparer.Ordinal)).ToList();
        return ReviewRings(graph, now, options)
            .Concat(circles)
            .Concat(Patronage(graph, now, options).Where(p => !inCircle.Any(c => p.Employees.All(c.Contains))))
            .Concat(MassProduction(employees, graph, now, options))
            .Concat(Bursts(employees, now, options))
            .Concat(withTokenBurn ? TokenBurn(employees, now, options) : []);
    }

    /// <summary>
    /// Pairs on different teams who mostly approve each other: each gives the other at least
    /// <see cref="DetectionOptions.RingMinimumApprovals"/> approvals and <see cref="DetectionOptions.RingPairShare"/> of
    /// all they give. Two teammates reviewing each other is what a team of two does, so a pair on one team is never a ring.
    /// </summary>
    public static IEnumerable<Finding> ReviewRings(IReadOnlyDictionary<string, EmployeeActivity> employees, IReadOnlyDictionary<string, string?> teams, DateTimeOffset now, DetectionOptions options) =>
        ReviewRings(ReviewGraph.Of(employees, teams, now.AddDays(-options.RingWindowDays)), now, options);

    private static IEnumerable<Finding> ReviewRings(ReviewGraph graph, DateTimeOffset now, DetectionOptions options)
    {
        var pairs = graph.Approvals.Keys
            .Where(k => string.CompareOrdinal(k.Approver, k.Author) < 0 && !graph.Teams.Same(k.Approver, k.Author))
            .Where(k => graph.Count(k.Approver, k.Author) >= options.RingMinimumApprovals && graph.Count(k.Author, k.Approver) >= options.RingMinimumApprovals)
            .Where(k => graph.GivenShare(k.Approver, k.Author) >= options.RingPairShare && graph.GivenShare(k.Author, k.Approver) >= options.RingPairShare)
            .OrderBy(k => k.Approver, StringComparer.Ordinal).ThenBy(k => k.Author, StringComparer.Ordinal)
            .ToList();
        if (pairs.Count == 0)
        {
            yield break;
        }

        var topShares = graph.TopAuthorShares;
        foreach (var (a, b) in pairs)
        {
            string[] members = [a, b];
            var score = Math.Min(graph.GivenShare(a, b), graph.GivenShare(b, a));
            var evidence = new
            {
                pattern = "Two people on different teams who each give most of their approvals to the other.",
                baseline = new
                {
                    reviewers = topShares.Count,
                    medianShareToTopAuthor = Robust.Median(topShares),
                    pairShare = options.RingPairShare,
                    minimumApprovals = options.RingMinimumApprovals,
                },
                approvals = members.SelectMany(x => members.Where(y => y != x).Select(y => new
                {
                    approver = x,
                    author = y,
                    team = graph.Teams.Of(x),
                    count = graph.Count(x, y),
                    given = graph.Given.GetValueOrDefault(x),
                    share = graph.GivenShare(x, y),
                })).ToList(),
                events = graph.Events(members, members),
            };
            yield return new Finding(Finding.ReviewRing, members, score, graph.From, now, evidence, $"{Finding.ReviewRing}:{a},{b}");
        }
    }

    /// <summary>
    /// Closed circles of any size from three, judged on the <b>received</b> side: people whose received approvals come
    /// almost entirely from each other across team lines (<see cref="DetectionOptions.CircleShare"/> of the circle's,
    /// and at least <see cref="DetectionOptions.CircleMemberShare"/> of each member's). What a member
    /// gives elsewhere does not matter, so approving honest colleagues now and then hides nothing. Approvals from
    /// one's own teammates are the baseline: they count among what a member received, never as inside a circle, so a
    /// team that reviews itself, or two teams that review each other as well as themselves, are not one.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Found by peeling. Start with everyone who was approved and approved someone; whoever receives under the member
    /// share from others still left (on another team), gives none of them anything, or is tied to them by fewer than
    /// <see cref="DetectionOptions.CircleMinimumApprovals"/> approvals both ways round, drops out, which lowers what
    /// those they approved receive inside and what those who approved them give inside, so they are looked at again;
    /// repeat until nobody drops. What remains is the one largest set in which everyone keeps to these (such sets are
    /// closed under union), found in time linear in the approvals. Its connected parts of three or more that receive the
    /// circle share from inside, all together, are the circles; pairs are the ring detector's.
    /// </para>
    /// <para>
    /// A circle is closed against the organisation: the people beside it (at least five who were each approved the
    /// minimum) must normally be reviewed at home, the median of them receiving under the member share from other teams.
    /// Where everyone is reviewed across team lines, nothing is closed against the rest. With fewer people beside it to
    /// tell, a part holding more than <see cref="DetectionOptions.CircleLargestShare"/> of everyone approved is the
    /// organisation itself. People without a team in the directory are on no team.
    /// </para>
    /// </remarks>
    public static IEnumerable<Finding> ClosedCircles(IReadOnlyDictionary<string, EmployeeActivity> employees, IReadOnlyDictionary<string, string?> teams, DateTimeOffset now, DetectionOptions options) =>
        ClosedCircles(ReviewGraph.Of(employees, teams, now.AddDays(-options.RingWindowDays)), now, options);

    /// <summary>People reviewed beside a circle (each approved at least the minimum) before their norm is a baseline.</summary>
    private const int OrganisationBeside = 5;

    private static IEnumerable<Finding> ClosedCircles(ReviewGraph graph, DateTimeOffset now, DetectionOptions options)
    {
        // Everyone who was approved and approved someone. A member trades: someone who only receives (a colleague
        // whose real work the circle approves now and then) is never pulled into it, nor is someone tied to it by fewer
        // than the minimum of approvals either way (a busy reviewer whom one member once approved).
        var members = graph.Received.Keys.Where(graph.Given.ContainsKey).ToHashSet(StringComparer.Ordinal);
        bool Tie(string approver, string author) => members.Contains(approver) && members.Contains(author) && !graph.Teams.Same(approver, author);
        var inside = members.ToDictionary(m => m, m => graph.ApproversOf[m].Where(a => Tie(a, m)).Sum(a => graph.Count(a, m)), StringComparer.Ordinal);
        var givenInside = members.ToDictionary(m => m, m => graph.AuthorsOf[m].Where(a => Tie(m, a)).Sum(a => graph.Count(m, a)), StringComparer.Ordinal);
        double Share(string member) => (double)inside[member] / graph.Received[member];
        bool Leaves(string member) => Share(member) < options.CircleMemberShare || givenInside[member] == 0
            || (graph.Received[member] < options.CircleMinimumApprovals && givenInside[member] < options.CircleMinimumApprovals);

        var leaving = new Queue<string>(members.Where(Leaves));
        while (leaving.TryDequeue(out var gone))
        {
            if (!members.Remove(gone))
            {
                continue;
            }

            foreach (var author in graph.AuthorsOf[gone].Where(a => members.Contains(a) && !graph.Teams.Same(gone, a)))
            {
                inside[author] -= graph.Count(gone, author);
                if (Leaves(author))
                {
                    leaving.Enqueue(author);
                }
            }

            foreach (var approver in graph.ApproversOf[gone].Where(a => members.Contains(a) && !graph.Teams.Same(a, gone)))
            {
                givenInside[approver] -= graph.Count(approver, gone);
                if (Leaves(approver))
                {
                    leaving.Enqueue(approver);
                }
            }
        }

        if (members.Count < 3)
        {
            yield break;
        }

        var approved = graph.Received.Count;
        // How the organisation's people are normally reviewed: the share of what each receives from other teams.
        var reviewed = graph.Received.Where(r => r.Value >= options.CircleMinimumApprovals).Select(r => (Employee: r.Key, Share: graph.CrossTeamReceivedShare(r.Key))).ToList();
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
                var ties = (graph.AuthorsOf.GetValueOrDefault(member) ?? []).Concat(graph.ApproversOf.GetValueOrDefault(member) ?? [])
                    .Where(other => members.Contains(other) && !graph.Teams.Same(member, other));
                circle.AddRange(ties.Where(placed.Add));
            }

            var share = (double)circle.Sum(m => inside[m]) / circle.Sum(m => graph.Received[m]);
            if (circle.Count < 3 || share < options.CircleShare)
            {
                continue;
            }

            // Closed against the organisation: the people beside it are normally reviewed at home (by their teams), so
            // a group reviewed only across team lines, by itself, stands out. Where there are too few people beside it
            // to tell, a group holding most of everyone approved is the organisation's own way of working.
            var inCircle = circle.ToHashSet(StringComparer.Ordinal);
            var beside = reviewed.Where(r => !inCircle.Contains(r.Employee)).Select(r => r.Share).ToList();
            var norm = Robust.Median(beside);
            if (beside.Count >= OrganisationBeside ? norm >= options.CircleMemberShare : circle.Count > options.CircleLargestShare * approved)
            {
                continue;
            }

            var sorted = circle.Order(StringComparer.Ordinal).ToList();
            var evidence = new
            {
                pattern = "People on different teams whose received approvals come almost entirely from each other, across team lines.",
                share,
                baseline = new
                {
                    approved,
                    reviewedBeside = beside.Count,
                    medianCrossTeamShareBeside = beside.Count > 0 ? norm : (double?)null,
                    circleShare = options.CircleShare,
                    memberShare = options.CircleMemberShare,
                    minimumApprovals = options.CircleMinimumApprovals,
                },
                members = sorted.Select(m => new
                {
                    employee = m,
                    team = graph.Teams.Of(m),
                    received = graph.Received[m],
                    inside = inside[m],
                    share = Share(m),
                    given = graph.Given.GetValueOrDefault(m),
                }).ToList(),
                events = graph.Events(sorted, sorted),
            };
            yield return new Finding(Finding.ClosedCircle, sorted, evidence.share, graph.From, now, evidence, $"{Finding.ClosedCircle}:{string.Join(',', sorted)}");
        }
    }

    /// <summary>
    /// Concentration: reviewers on another team who give most of their approvals (<see cref="DetectionOptions.PatronShare"/>,
    /// at least <see cref="DetectionOptions.PatronMinimumApprovals"/>) to one author, and who together give the author
    /// most of what they received (the same share), are that author's patrons, part of the author's own voice, however
    /// many of them there are. One finding per author, naming the author and every patron.
    /// Inside a team, one colleague reviewing most of another's work is what a team of two or a busy author's team does,
    /// so teammates are never patrons.
    /// </summary>
    private static IEnumerable<Finding> Patronage(ReviewGraph graph, DateTimeOffset now, DetectionOptions options)
    {
        var patrons = graph.Approvals
            .Where(a => a.Value >= options.PatronMinimumApprovals && !graph.Teams.Same(a.Key.Approver, a.Key.Author))
            .Where(a => graph.GivenShare(a.Key.Approver, a.Key.Author) >= options.PatronShare)
            // Two who mostly approve each other are a pair, the ring detector's; patronage is one way.
            .Where(a => graph.GivenShare(a.Key.Author, a.Key.Approver) < options.PatronShare)
            .GroupBy(a => a.Key.Author, a => a.Key.Approver, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (patrons.Count == 0)
        {
            yield break;
        }

        var topShares = graph.TopAuthorShares;
        foreach (var group in patrons)
        {
            var author = group.Key;
            var sorted = group.Order(StringComparer.Ordinal).ToList();
            var fromPatrons = sorted.Sum(p => graph.Count(p, author));
            // Patrons must carry the author: a colleague elsewhere who helps a busy author now and then, while their own
            // team reviews most of the work, changes nothing about who vouches for it.
            if (fromPatrons < options.PatronShare * graph.Received[author])
            {
                continue;
            }

            var evidence = new
            {
                pattern = sorted.Count == 1
                    ? "A reviewer on another team who gives most of their approvals to one author."
                    : $"{sorted.Count} reviewers on other teams who each give most of their approvals to one author.",
                author,
                authorTeam = graph.Teams.Of(author),
                received = graph.Received[author],
                fromPatrons,
                baseline = new
                {
                    reviewers = topShares.Count,
                    medianShareToTopAuthor = Robust.Median(topShares),
                    patronShare = options.PatronShare,
                    minimumApprovals = options.PatronMinimumApprovals,
                },
                patrons = sorted.Select(p => new
                {
                    employee = p,
                    team = graph.Teams.Of(p),
                    approvals = graph.Count(p, author),
                    given = graph.Given[p],
                    share = graph.GivenShare(p, author),
                }).ToList(),
                events = graph.Events(sorted, [author]),
            };
            yield return new Finding(Finding.Patronage, [.. sorted.Prepend(author).Order(StringComparer.Ordinal)], sorted.Min(p => graph.GivenShare(p, author)),
                graph.From, now, evidence, $"{Finding.Patronage}:{author}:{string.Join(',', sorted)}");
        }
    }
}
