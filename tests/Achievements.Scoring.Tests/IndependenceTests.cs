using System.Text.Json;

namespace Achievements.Scoring.Tests;

/// <summary>
/// How independence is judged, as a table of organisations: honest shapes that must never trip any detector (teams of
/// every ordinary size reviewing themselves, siloed teams, teams that mix, a busy team, a high performer, a team of
/// two), and farms that must be found (a camouflaged circle, patrons on other teams, a farm inside one team). Each
/// organisation is written as work: merged pull requests with their reviewers and the approvals before them, counted by
/// the real policy and reduced as evaluation reduces them, then judged by every detector at once.
/// </summary>
public sealed class IndependenceTests
{
    private static readonly DetectionOptions Defaults = new();

    /// <summary>An organisation as work over the 90 days before now, from a fixed seed.</summary>
    private sealed class Organisation(int seed = 1)
    {
        private readonly List<Row> _rows = [];
        private readonly Random _random = new(seed);
        private int _next;

        public Dictionary<string, string?> Teams { get; } = new(StringComparer.Ordinal);

        public Organisation Team(string name, params string[] people)
        {
            foreach (var person in people)
            {
                Teams[person] = name;
            }

            return this;
        }

        /// <summary>
        /// <paramref name="author"/> merges <paramref name="perWeek"/> pull requests a week on working days, each
        /// approved by one of <paramref name="reviewers"/> (chosen at random) <paramref name="minutes"/> before it
        /// merges, of <paramref name="lines"/> lines.
        /// </summary>
        public Organisation Works(string author, double perWeek, Func<Random, string> reviewers, (int From, int To) lines, (int From, int To) minutes)
        {
            for (var day = 89; day >= 1; day--)
            {
                var date = Time.Now.AddDays(-day);
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    continue;
                }

                // Whole pull requests a day at the rate, the fraction by chance.
                var today = perWeek / 5;
                for (var n = (int)today + (_random.NextDouble() < today % 1 ? 1 : 0); n > 0; n--)
                {
                    var reviewer = reviewers(_random);
                    var merged = date.Date.AddHours(9 + (_random.NextDouble() * 8));
                    var pull = $"pr{++_next}";
                    var size = _random.Next(lines.From, lines.To + 1);
                    _rows.Add(new Row(pull, "pr.merged", author, Offset(merged),
                        $$"""{"lines_added":{{size - (size / 5)}},"lines_deleted":{{size / 5}},"merged_by":"{{reviewer}}","reviewers":["{{reviewer}}"]}"""));
                    _rows.Add(new Row($"a{pull}", "review.approved", reviewer, Offset(merged.AddMinutes(-_random.Next(minutes.From, minutes.To + 1))),
                        $$"""{"pr_id":"{{pull}}","author":"{{author}}"}"""));
                }
            }

            return this;
        }

        /// <summary>A team of ordinary developers who review each other, and with <paramref name="mixing"/> someone on another team instead.</summary>
        public Organisation Honest(string team, int size, double perWeek = 1.5, double mixing = 0, string[]? others = null)
        {
            var people = Enumerable.Range(1, size).Select(i => $"{team}-{i}").ToArray();
            Team(team, people);
            foreach (var person in people)
            {
                var mates = people.Where(p => p != person).ToArray();
                Works(person, perWeek, r => others is not null && r.NextDouble() < mixing ? others[r.Next(others.Length)] : mates[r.Next(mates.Length)], (15, 400), (20, 300));
            }

            return this;
        }

        /// <summary>A team whose members each work at their own rate, every pull request approved by a random teammate.</summary>
        public Organisation ReviewedByTeammates(string team, string[] people, Func<string, double> perWeek, (int From, int To) lines, (int From, int To) minutes)
        {
            Team(team, people);
            foreach (var person in people)
            {
                var mates = people.Where(p => p != person).ToArray();
                Works(person, perWeek(person), r => mates[r.Next(mates.Length)], lines, minutes);
            }

            return this;
        }

        /// <summary>Six ordinary teams of five: the organisation around a farm.</summary>
        public Organisation Background() =>
            Enumerable.Range(1, 6).Aggregate(this, (o, t) => o.Honest($"team{t}", 5, perWeek: 0.6 + (0.3 * t)));

        /// <summary>Every detector over the organisation's work, counted by the real policy.</summary>
        public List<Finding> Judge()
        {
            var history = History.Of(_rows);
            var activities = history.Actors.ToDictionary(
                employee => employee,
                employee => EmployeeActivity.From(employee, history.CountFor(employee), History.Catalog, Time.Now, Defaults),
                StringComparer.Ordinal);
            return [.. Detectors.All(activities, Teams, Time.Now, Defaults, withTokenBurn: false)];
        }

        /// <summary>The findings as <c>detector members</c>, or <c>none</c>.</summary>
        public string Findings()
        {
            var findings = Judge().Select(f => $"{f.Detector} {string.Join(" ", f.Employees)}").ToList();
            return findings.Count == 0 ? "none" : string.Join("; ", findings);
        }

        private static string Offset(DateTimeOffset at) => $"-{(long)(Time.Now - at).TotalSeconds}s";
    }

    private static string[] People(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => $"{prefix}{i}")];

    private static readonly Dictionary<string, (Func<Organisation> Organisation, string Findings)> Shapes = new()
    {
        // Honest shapes: nothing, ever.
        ["teams of 3 to 8 who review only themselves"] = (
            () => Enumerable.Range(3, 6).Aggregate(new Organisation(), (o, size) => o.Honest($"size{size}", size)),
            "none"),
        ["a pair of siloed teams"] = (
            () => new Organisation().Honest("red", 6).Honest("blue", 4),
            "none"),
        ["a team of two who review only each other"] = (
            () => new Organisation().Background().Honest("duo", 2, perWeek: 2),
            "none"),
        ["three teams that send a third of their reviews to the others"] = (
            () =>
            {
                var all = new[] { "red", "blue", "green" }.SelectMany(t => People($"{t}-", 5)).ToArray();
                return new[] { "red", "blue", "green" }.Aggregate(new Organisation(), (o, t) => o.Honest(t, 5, mixing: 0.33, others: [.. all.Where(p => !p.StartsWith(t, StringComparison.Ordinal))]));
            },
            "none"),
        ["an organisation whose people all review across team lines"] = (
            () =>
            {
                var all = Enumerable.Range(1, 6).SelectMany(t => People($"t{t}-", 4)).ToArray();
                return Enumerable.Range(1, 6).Aggregate(new Organisation(), (o, t) => o.Honest($"t{t}", 4, mixing: 1, others: [.. all.Where(p => !p.StartsWith($"t{t}-", StringComparison.Ordinal))]));
            },
            "none"),
        ["three teams of eight that send half their reviews to the others"] = (
            () =>
            {
                var all = new[] { "red", "blue", "green" }.SelectMany(t => People($"{t}-", 8)).ToArray();
                return new[] { "red", "blue", "green" }.Aggregate(new Organisation(), (o, t) => o.Honest(t, 8, mixing: 0.5, others: [.. all.Where(p => !p.StartsWith(t, StringComparison.Ordinal))]));
            },
            "none"),
        ["a staff engineer on a team of their own who reviews for three teams"] = (
            () =>
            {
                var organisation = new Organisation().Background().Team("staff", "staff");
                string[] authors = ["team1-1", "team1-2", "team2-1", "team2-3", "team3-2", "team3-4"];
                organisation.Works("staff", 1, r => authors[r.Next(authors.Length)], (40, 400), (30, 300));
                return authors.Aggregate(organisation, (o, author) => o.Works(author, 0.5, _ => "staff", (40, 300), (30, 300)));
            },
            "none"),
        ["a small organisation of two teams of three that mix a fifth of their reviews"] = (
            () =>
            {
                var all = new[] { "red", "blue" }.SelectMany(t => People($"{t}-", 3)).ToArray();
                return new[] { "red", "blue" }.Aggregate(new Organisation(), (o, t) => o.Honest(t, 3, perWeek: 2, mixing: 0.2, others: [.. all.Where(p => !p.StartsWith(t, StringComparison.Ordinal))]));
            },
            "none"),
        ["a busy team at three times the rate"] = (
            () => new Organisation().Background().Honest("busy", 6, perWeek: 4.5),
            "none"),
        ["a high performer at five times the team's rate"] = (
            () => new Organisation().Background().ReviewedByTeammates("stars", People("star-", 5), person => person == "star-1" ? 7.5 : 1.5, (15, 400), (20, 300)),
            "none"),

        // Farms.
        ["a camouflaged circle of eight on eight teams that gives a quarter of its approvals to honest colleagues"] = (
            () =>
            {
                var circle = People("c", 8);
                var organisation = new Organisation().Background();
                for (var i = 0; i < circle.Length; i++)
                {
                    organisation.Team($"team{(i % 6) + 1}", circle[i]);
                    var mates = circle.Where(c => c != circle[i]).ToArray();
                    organisation.Works(circle[i], 2, r => mates[r.Next(mates.Length)], (5, 20), (2, 10));
                    // A quarter of what each member gives goes to an honest colleague's real work.
                    var colleague = $"team{(i % 6) + 1}-{(i % 5) + 1}";
                    organisation.Works(colleague, 0.65, _ => circle[i], (40, 300), (20, 240));
                }

                return organisation;
            },
            "closed-circle c1 c2 c3 c4 c5 c6 c7 c8"),
        ["a farmer fed by three patrons on other teams"] = (
            () => Patrons(new Organisation().Background(), 3, perWeek: 3),
            "patronage farmer patron1 patron2 patron3"),
        ["a farmer fed by ten patrons"] = (
            () => Patrons(new Organisation().Background(), 10, perWeek: 12),
            "patronage farmer patron1 patron10 patron2 patron3 patron4 patron5 patron6 patron7 patron8 patron9"),
        ["a reviewer who gives a third of their approvals to one colleague on another team"] = (
            () => new Organisation().Background().Team("solo", "solo").Works("solo", 0.7, _ => "team4-1", (30, 300), (20, 240)),
            "none"),
        ["a farm inside one team mass-producing trivial work approved in minutes"] = (
            TeamFarm,
            "mass-production farm-1; mass-production farm-2; mass-production farm-3; mass-production farm-4"),
    };

    /// <summary>A farmer on a team of their own, whose every pull request one of <paramref name="count"/> patrons approves; each patron on another team and doing nothing else.</summary>
    private static Organisation Patrons(Organisation organisation, int count, double perWeek)
    {
        var patrons = People("patron", count);
        for (var i = 0; i < count; i++)
        {
            organisation.Team($"patrons{i}", patrons[i]);
        }

        return organisation.Team("farm", "farmer").Works("farmer", perWeek, r => patrons[r.Next(count)], (30, 200), (20, 240));
    }

    /// <summary>Four teammates each merging 25 pull requests a week of 5 to 15 lines, approved by a teammate minutes before.</summary>
    private static Organisation TeamFarm() =>
        new Organisation().Background().ReviewedByTeammates("farm", People("farm-", 4), _ => 25, (5, 15), (1, 5));

    public static TheoryData<string> Rows => [.. Shapes.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Independence_is_judged_against_the_organisation(string shape)
    {
        var (organisation, findings) = Shapes[shape];

        Assert.Equal(findings, organisation().Findings());
    }

    [Fact]
    public void Two_teammates_who_review_only_each_other_are_no_ring_and_two_strangers_are()
    {
        var strangers = new Organisation().Team("red", "ann").Team("blue", "ben")
            .Works("ann", 1, _ => "ben", (40, 200), (30, 120)).Works("ben", 1, _ => "ann", (40, 200), (30, 120));
        var teammates = new Organisation().Team("red", "ann", "ben")
            .Works("ann", 1, _ => "ben", (40, 200), (30, 120)).Works("ben", 1, _ => "ann", (40, 200), (30, 120));

        // Each is also the other's only reviewer: one ring, not two patronages besides.
        Assert.Equal("review-ring ann ben", strangers.Findings());
        Assert.Equal("none", teammates.Findings());
    }

    [Fact]
    public void A_patron_flag_explains_itself_with_the_organisations_baseline_and_the_approvals_behind_it()
    {
        var organisation = Patrons(new Organisation().Background(), 3, perWeek: 3);
        var finding = Assert.Single(organisation.Judge(), f => f.Detector == Finding.Patronage);
        var evidence = JsonSerializer.SerializeToElement(finding.Evidence);

        Assert.Contains("most of their approvals to one author", evidence.GetProperty("pattern").GetString(), StringComparison.Ordinal);
        Assert.Equal("farmer", evidence.GetProperty("author").GetString());
        Assert.Equal(0.5, evidence.GetProperty("baseline").GetProperty("patronShare").GetDouble());
        Assert.True(evidence.GetProperty("baseline").GetProperty("medianShareToTopAuthor").GetDouble() < 0.5);
        Assert.All(evidence.GetProperty("patrons").EnumerateArray(), p => Assert.True(p.GetProperty("share").GetDouble() >= 0.5));
        Assert.NotEmpty(evidence.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public void A_mass_production_flag_shows_the_person_beside_the_organisations_medians()
    {
        var finding = TeamFarm().Judge().First(f => f.Detector == Finding.MassProduction);
        var evidence = JsonSerializer.SerializeToElement(finding.Evidence);
        var observed = evidence.GetProperty("observed");
        var baseline = evidence.GetProperty("baseline");

        Assert.True(observed.GetProperty("merges").GetInt32() > 10 * baseline.GetProperty("medianMerges").GetDouble());
        Assert.True(observed.GetProperty("medianLines").GetDouble() < 20);
        Assert.True(baseline.GetProperty("medianLines").GetDouble() > 100);
        Assert.True(observed.GetProperty("medianMinutesToMerge").GetDouble() < 10);
        Assert.Equal(30, baseline.GetProperty("people").GetInt32() - 4);
        Assert.True(evidence.GetProperty("z").GetProperty("rate").GetDouble() >= Defaults.MassZ);
    }
}
