using System.Text.Json;

namespace Achievements.Scoring.Tests;

/// <summary>
/// The closed-circle detector as a table: an organisation (who approved whom, on which team) and the circles it
/// must find, with the default thresholds. Organisations of fifty are written by small builders rather than as
/// rows of events; their approvals still go through the real counting policy into each employee's activity.
/// </summary>
public sealed class CircleDetectorTests
{
    private static readonly DateTimeOffset Now = Time.Now;

    private static readonly DetectionOptions Defaults = new();

    /// <summary>
    /// Who approved whom how often inside the ring window, and the directory's teams. Every organisation holds, besides
    /// what a row writes, six honest teams of five (<see cref="Honest"/>): a circle is closed against an organisation,
    /// and a closed set that is most of the organisation is its way of working, not a circle.
    /// </summary>
    private sealed class Organisation
    {
        private readonly Dictionary<string, Dictionary<string, int>> _approvals = new(StringComparer.Ordinal);

        public Organisation(int teams = 6) => Honest(this, teams);

        public Dictionary<string, string?> Teams { get; } = new(StringComparer.Ordinal);

        public Organisation On(string team, params IEnumerable<string> people)
        {
            foreach (var person in people)
            {
                Teams[person] = team;
            }

            return this;
        }

        public Organisation Approves(string approver, string author, int times)
        {
            var row = _approvals.TryGetValue(approver, out var existing) ? existing : _approvals[approver] = new(StringComparer.Ordinal);
            row[author] = row.GetValueOrDefault(author) + times;
            return this;
        }

        /// <summary>Each of <paramref name="people"/> approves the next <paramref name="next"/> of them round the circle, <paramref name="times"/> each.</summary>
        public Organisation Circle(string[] people, int next, int times)
        {
            for (var i = 0; i < people.Length; i++)
            {
                for (var k = 1; k <= next; k++)
                {
                    Approves(people[i], people[(i + k) % people.Length], times);
                }
            }

            return this;
        }

        /// <summary>
        /// Each approval as a <c>review.approved</c> event, an approver's spread over the first 80 days of the 90-day
        /// window (one a day, well under the daily cap), counted by the real policy and reduced as evaluation does.
        /// </summary>
        public Dictionary<string, EmployeeActivity> Activities()
        {
            var rows = _approvals.SelectMany(given => given.Value
                .SelectMany(author => Enumerable.Repeat(author.Key, author.Value))
                .Select((author, n) => new Row($"{given.Key}.{n}", "review.approved", given.Key, $"-{1 + (n % 80)}d{n / 80}m", $$"""{"author":"{{author}}"}""")));
            var history = History.Of(rows);
            return history.Actors.ToDictionary(
                employee => employee,
                employee => EmployeeActivity.From(employee, history.CountFor(employee), History.Catalog, Now, Defaults),
                StringComparer.Ordinal);
        }

        public List<Finding> Circles(DetectionOptions? options = null) =>
            [.. Detectors.ClosedCircles(Activities(), Teams, Now, options ?? Defaults)];
    }

    private static string[] People(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => $"{prefix}{i:00}")];

    /// <summary>Teams of five who review each other inside their team and now and then across teams.</summary>
    private static Organisation Honest(Organisation organisation, int teams)
    {
        var people = Enumerable.Range(1, teams).Select(t => People($"t{t}-", 5)).ToList();
        for (var t = 0; t < teams; t++)
        {
            organisation.On($"team-{t + 1}", people[t]);
            for (var i = 0; i < 5; i++)
            {
                foreach (var mate in people[t].Where(m => m != people[t][i]))
                {
                    organisation.Approves(people[t][i], mate, 3);
                }

                // Two reviews on the next team's work and one on the team after.
                organisation.Approves(people[t][i], people[(t + 1) % teams][i], 2);
                organisation.Approves(people[t][i], people[(t + 2) % teams][(i + 1) % 5], 1);
            }
        }

        return organisation;
    }

    /// <summary>
    /// Eight people on eight teams who keep <paramref name="inside"/> of every 20 approvals among themselves and give the
    /// rest to honest outsiders, who review two of them back: what a circle gives away is camouflage, and what matters
    /// is what it receives.
    /// </summary>
    private static Organisation CircleWithOutsideReview(int inside)
    {
        var members = People("m", 8);
        var outsiders = People("o", 3);
        var organisation = new Organisation().On("outsiders", outsiders);
        for (var i = 0; i < members.Length; i++)
        {
            organisation.On($"team-{i + 1}", members[i]);
            organisation.Approves(members[i], members[(i + 1) % 8], inside - (2 * (inside / 3)));
            organisation.Approves(members[i], members[(i + 2) % 8], inside / 3);
            organisation.Approves(members[i], members[(i + 3) % 8], inside / 3);
            organisation.Approves(members[i], outsiders[i % 3], 20 - inside);
        }

        foreach (var outsider in outsiders)
        {
            foreach (var colleague in outsiders.Where(o => o != outsider))
            {
                organisation.Approves(outsider, colleague, 6);
            }

            organisation.Approves(outsider, members[0], 2).Approves(outsider, members[4], 2);
        }

        return organisation;
    }

    /// <summary>Eight people on eight teams who approve each other, each reviewed by two teammates too: a third of what they receive.</summary>
    private static Organisation CircleReviewedAtHome()
    {
        var members = People("m", 8);
        var organisation = new Organisation().Circle(members, next: 3, times: 4);
        for (var i = 0; i < members.Length; i++)
        {
            var mates = new[] { $"home{i}-a", $"home{i}-b" };
            organisation.On($"home-{i}", [members[i], .. mates]);
            foreach (var mate in mates)
            {
                organisation.Approves(mate, members[i], 3).Approves(members[i], mate, 3).Approves(mate, mates.First(m => m != mate), 6);
            }
        }

        return organisation;
    }

    private static readonly Dictionary<string, (Func<Organisation> Organisation, string[][] Circles)> Table = new()
    {
        ["a circle of three on three teams"] = (
            () => new Organisation().On("red", "ann").On("blue", "ben").On("green", "cat").Circle(["ann", "ben", "cat"], next: 1, times: 6),
            [["ann", "ben", "cat"]]),
        ["a circle of ten across ten teams"] = (
            () =>
            {
                var members = People("c", 10);
                var organisation = new Organisation().Circle(members, next: 3, times: 2);
                return members.Aggregate(organisation, (o, m) => o.On($"team-{m}", m));
            },
            [People("c", 10)]),
        ["a circle of fifty on ten teams of five"] = (
            () =>
            {
                var members = People("c", 50);
                var organisation = new Organisation(teams: 12).Circle(members, next: 4, times: 2);
                // Round the circle the next four are always on other teams.
                return members.Select((m, i) => (m, i)).Aggregate(organisation, (o, x) => o.On($"team-{x.i % 10}", x.m));
            },
            [People("c", 50)]),
        ["a circle that gives 15 % of its approvals to outsiders, who review it back"] = (
            () => CircleWithOutsideReview(inside: 17),
            [People("m", 8)]),
        ["a circle that keeps exactly 80 % inside"] = (
            () => CircleWithOutsideReview(inside: 16),
            [People("m", 8)]),
        ["a circle that gives a quarter of its approvals away is still one: it receives from itself"] = (
            () => CircleWithOutsideReview(inside: 15),
            [People("m", 8)]),
        ["a group whose members receive a third of their approvals from their own teammates is no circle"] = (
            () => CircleReviewedAtHome(),
            []),
        ["an organisation of people all reviewed across team lines is no circle"] = (
            () => new Organisation(teams: 0).Circle(People("x", 40), next: 4, times: 2),
            []),
        ["a circle with a busy reviewer who approves one member and many others"] = (
            () =>
            {
                var members = People("c", 6);
                var organisation = members.Aggregate(new Organisation().Circle(members, next: 2, times: 3), (o, m) => o.On($"team-{m}", m));
                organisation.On("platform", "busy").Approves("busy", "c01", 4).Approves("c01", "busy", 1);
                return People("dev", 12).Aggregate(organisation, (o, dev) => o.On("product", dev).Approves("busy", dev, 3));
            },
            [People("c", 6)]),
        ["two circles apart are two findings"] = (
            () => new Organisation().On("red", "a1", "b1").On("blue", "a2", "b2").On("green", "a3", "b3")
                .Circle(["a1", "a2", "a3"], next: 1, times: 6).Circle(["b1", "b2", "b3"], next: 1, times: 6),
            [["a1", "a2", "a3"], ["b1", "b2", "b3"]]),
        ["people with no team who review only each other are a circle"] = (
            () => new Organisation().Circle(["ann", "ben", "cat", "dan"], next: 1, times: 6),
            [["ann", "ben", "cat", "dan"]]),
        ["an honest organisation of six teams of five with some cross-team review"] = (
            () => new Organisation(),
            []),
        ["two teams of three who review each other as much as themselves"] = (
            () => new Organisation().On("red", "r1", "r2", "r3").On("blue", "b1", "b2", "b3").Circle(["r1", "b1", "r2", "b2", "r3", "b3"], next: 5, times: 2),
            []),
        ["a team that reviews only itself, spelled two ways in the directory"] = (
            () => new Organisation().On("Platform", "ann", "ben").On("platform ", "cat").Circle(["ann", "ben", "cat"], next: 1, times: 6),
            []),
        ["a team that reviews only itself"] = (
            () => new Organisation().On("red", "ann", "ben", "cat", "dan").Circle(["ann", "ben", "cat", "dan"], next: 3, times: 4),
            []),
        ["a pair is left to the ring detector"] = (
            () => new Organisation().On("red", "ann").On("blue", "ben").Approves("ann", "ben", 10).Approves("ben", "ann", 10),
            []),
        ["a circle whose members receive under five approvals each"] = (
            () => new Organisation().On("red", "ann").On("blue", "ben").On("green", "cat").Circle(["ann", "ben", "cat"], next: 1, times: 4),
            []),
    };

    public static TheoryData<string> Rows => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Finds_exactly_the_closed_circles(string row)
    {
        var (organisation, circles) = Table[row];

        var found = organisation().Circles();

        Assert.Equal(circles.Select(c => string.Join(',', c)), found.Select(f => string.Join(',', f.Employees)));
        Assert.All(found, f => Assert.Equal(Finding.ClosedCircle, f.Detector));
    }

    [Fact]
    public void A_team_that_reviews_only_itself_is_no_finding_of_any_graph_detector()
    {
        var organisation = Table["a team that reviews only itself"].Organisation();

        Assert.Empty(Detectors.All(organisation.Activities(), organisation.Teams, Now, Defaults, withTokenBurn: false));
    }

    [Fact]
    public void A_circle_names_its_members_teams_and_what_each_receives_inside()
    {
        var circle = Assert.Single(CircleWithOutsideReview(inside: 17).Circles());

        // 136 approvals inside, 12 from the outsiders to two members: 136 of 148.
        Assert.Equal(136.0 / 148, circle.Score, 3);
        Assert.True(circle.Holds);
        Assert.Equal(Now.AddDays(-90), circle.WindowStart);
        var evidence = JsonSerializer.SerializeToElement(circle.Evidence);
        Assert.Equal(136.0 / 148, evidence.GetProperty("share").GetDouble(), 3);
        Assert.Contains("received approvals", evidence.GetProperty("pattern").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.8, evidence.GetProperty("baseline").GetProperty("circleShare").GetDouble());
        var first = evidence.GetProperty("members")[0];
        Assert.Equal("m01", first.GetProperty("employee").GetString());
        Assert.Equal("team-1", first.GetProperty("team").GetString());
        Assert.Equal(23, first.GetProperty("received").GetInt32());
        Assert.Equal(17, first.GetProperty("inside").GetInt32());
        Assert.Equal(20, first.GetProperty("given").GetInt32());
    }

    [Fact]
    public void The_shares_and_the_minimum_are_options()
    {
        Assert.Empty(CircleWithOutsideReview(inside: 17).Circles(new DetectionOptions { CircleShare = 0.95 }));
        Assert.Empty(CircleWithOutsideReview(inside: 17).Circles(new DetectionOptions { CircleMinimumApprovals = 24 }));
        Assert.Empty(CircleWithOutsideReview(inside: 17).Circles(new DetectionOptions { CircleMemberShare = 0.9 }));
        Assert.Single(CircleReviewedAtHome().Circles(new DetectionOptions { CircleShare = 0.6 }));
    }

    [Fact]
    public void Approvals_before_the_window_are_not_looked_at()
    {
        var organisation = Table["a circle of three on three teams"].Organisation();

        Assert.Empty(Detectors.ClosedCircles(organisation.Activities(), organisation.Teams, Now.AddDays(100), Defaults));
    }

    [Fact]
    public void Every_detector_includes_closed_circles()
    {
        var organisation = Table["a circle of ten across ten teams"].Organisation();

        var all = Detectors.All(organisation.Activities(), organisation.Teams, Now, Defaults).ToList();

        Assert.Equal(People("c", 10), Assert.Single(all, f => f.Detector == Finding.ClosedCircle).Employees);
    }

    [Fact]
    public void Members_of_one_circle_vouching_for_each_other_are_one_voice()
    {
        var circles = IndependentVoices.From(null, [(7, Finding.ClosedCircle, "ann"), (7, Finding.ClosedCircle, "ben"), (7, Finding.ClosedCircle, "cat"), (9, Finding.ClosedCircle, "dan"), (9, Finding.ClosedCircle, "eve"), (9, Finding.ClosedCircle, "fay")]);

        Assert.Equal("circle:7", circles.VoiceOf("ann", "ben"));
        Assert.Equal("circle:7", circles.VoiceOf("ann", "cat"));
        Assert.Equal("dev", circles.VoiceOf("ann", "dev"));
        Assert.Equal("ben", circles.VoiceOf("dev", "ben"));
        Assert.Equal("dan", circles.VoiceOf("ann", "dan"));
        Assert.Equal("ben", IndependentVoices.Everyone.VoiceOf("ann", "ben"));
    }

    [Fact]
    public void Circle_flags_that_share_a_member_are_one_circle()
    {
        // The same circle flagged again with a member more: flags 4 and 11 are one relationship.
        var circles = IndependentVoices.From(null, [(4, Finding.ClosedCircle, "ann"), (4, Finding.ClosedCircle, "ben"), (4, Finding.ClosedCircle, "cat"), (11, Finding.ClosedCircle, "cat"), (11, Finding.ClosedCircle, "dan"), (11, Finding.ClosedCircle, "eve")]);

        Assert.Equal("circle:4", circles.VoiceOf("ann", "eve"));
        Assert.Equal("circle:4", circles.VoiceOf("dan", "ben"));
    }
}
