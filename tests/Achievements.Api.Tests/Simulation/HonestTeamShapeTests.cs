using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Tests.Simulation;

/// <summary>
/// The honest team shapes are teams as they really work, every member a full developer reviewed by colleagues at
/// random, so that an engine that judges them honest has been shown something real.
/// </summary>
public sealed class HonestTeamShapeTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Shapes => [.. PersonaLibrary.HonestTeams.Select(persona => persona.Name)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_member_ships_reviewed_pull_requests_and_reviews_colleagues_work(string name)
    {
        var run = Play(name);

        Assert.All(run.Employees, member =>
        {
            Assert.True(Merges(run).Count(e => e.Actor == member.Id) >= 20, $"{member.Id} merged {Merges(run).Count(e => e.Actor == member.Id)}");
            Assert.Contains(Approvals(run), e => e.Actor == member.Id);
            Assert.Contains(run.Events, e => e.Type == "tokens.consumed" && e.Actor == member.Id);
        });
        Assert.All(run.Employees, e => Assert.True(e.InDirectory && !e.Bystander && !e.IsBot && e.Team is not null));
        Assert.DoesNotContain(run.Events, e => e.Farmed);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_merge_lists_its_approvers_who_approved_a_few_minutes_to_a_few_hours_before(string name)
    {
        var run = Play(name);
        var approvals = Approvals(run).ToLookup(e => (string)e.Attributes["pr_id"]!);

        Assert.All(Merges(run), merge =>
        {
            var reviewers = Reviewers(merge);
            var approvers = approvals[(string)merge.Attributes["pr_id"]!].ToList();
            Assert.InRange(reviewers.Count, 1, 2);
            Assert.DoesNotContain(merge.Actor, reviewers);
            Assert.Equal(reviewers.Order(), approvers.Select(a => a.Actor).Order());
            Assert.All(approvers, a =>
            {
                Assert.Equal(merge.Actor, a.Attributes["author"]);
                Assert.InRange(merge.OccurredAt - a.OccurredAt, TimeSpan.FromMinutes(5), TimeSpan.FromHours(4));
            });
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Pull_requests_are_ordinarily_sized(string name)
    {
        var sizes = Merges(Play(name)).Select(Lines).ToList();

        // Accepted suggestions can push a pull request past 400 lines now and then, never below 15.
        Assert.All(sizes, size => Assert.True(size >= 15, $"{size} lines"));
        Assert.True(sizes.Count(size => size <= 400) >= sizes.Count * 0.98, "almost every pull request is 15 to 400 lines");
        Assert.InRange(Median(sizes), 60, 200);
    }

    [Fact]
    public void An_honest_team_of_three_to_eight_reviews_only_inside_itself()
    {
        foreach (var seed in Enumerable.Range(1, 12))
        {
            var run = Play("honest-team", seed);

            Assert.InRange(run.Employees.Count, 3, 8);
            Assert.Single(run.Employees.Select(e => e.Team).Distinct());
        }

        Assert.Contains(3, Enumerable.Range(1, 30).Select(seed => Play("honest-team", seed).Employees.Count));
        Assert.Contains(8, Enumerable.Range(1, 30).Select(seed => Play("honest-team", seed).Employees.Count));
    }

    [Fact]
    public void Siloed_teams_are_two_teams_whose_reviews_never_cross_team_lines()
    {
        var run = Play("honest-siloed-teams");

        Assert.Equal(2, run.Employees.Select(e => e.Team).Distinct().Count());
        Assert.Equal(0, CrossTeamShare(run));
    }

    [Fact]
    public void Mixed_teams_send_the_configured_share_of_their_reviews_across_team_lines()
    {
        var shape = PersonaLibrary.HonestTeams.Single(p => p.Name == "honest-mixed-teams");
        var run = Play(shape.Name);

        Assert.Equal(3, run.Employees.Select(e => e.Team).Distinct().Count());
        Assert.InRange(CrossTeamShare(run), shape.CrossTeamShare - 0.05, shape.CrossTeamShare + 0.05);
        Assert.InRange(shape.CrossTeamShare, 0.2, 0.5);
    }

    [Fact]
    public void A_busy_team_ships_two_to_three_times_what_an_ordinary_team_does()
    {
        var busy = Enumerable.Range(1, 5).Select(seed => Play("honest-busy-team", seed)).Average(PerMember);
        var ordinary = Enumerable.Range(1, 5).Select(seed => Play("honest-team", seed)).Average(PerMember);

        Assert.InRange(busy / ordinary, 2, 3);
    }

    [Fact]
    public void A_high_performer_ships_three_to_five_times_the_team_average_at_ordinary_size_reviewed_by_teammates()
    {
        var run = Play("honest-high-performer");
        var star = run.Employees[0].Id;
        var merges = Merges(run);
        var theirs = merges.Where(e => e.Actor == star).ToList();
        var rest = run.Employees.Skip(1).Average(e => merges.Count(m => m.Actor == e.Id));

        Assert.InRange(theirs.Count / rest, 3, 5);
        Assert.InRange(Median([.. theirs.Select(Lines)]), 60, 200);
        Assert.True(theirs.SelectMany(Reviewers).Distinct().Count() >= 3);
        Assert.Single(run.Employees.Select(e => e.Team).Distinct());
    }

    [Fact]
    public void A_shape_sized_by_an_organisation_has_exactly_those_teams()
    {
        var run = PersonaLibrary.HonestTeams.Single(p => p.Name == "honest-mixed-teams").Sized([3, 7, 4]).Generate("mixed-1", Now, 365, new Random(3));

        Assert.Equal([3, 7, 4], run.Employees.GroupBy(e => e.Team).Select(team => team.Count()));
    }

    private static PersonaRun Play(string name, int seed = 7) => PersonaLibrary.Find(name)!.Generate(name, Now, 365, new Random(seed));

    private static List<SimulatedEvent> Merges(PersonaRun run) => [.. run.Events.Where(e => e.Type == "pr.merged")];

    private static List<SimulatedEvent> Approvals(PersonaRun run) => [.. run.Events.Where(e => e.Type == "review.approved")];

    private static List<string> Reviewers(SimulatedEvent merge) => [.. (IEnumerable<string>)merge.Attributes["reviewers"]!];

    private static int Lines(SimulatedEvent merge) => (int)merge.Attributes["lines_added"]! + (int)merge.Attributes["lines_deleted"]!;

    private static double PerMember(PersonaRun run) => (double)Merges(run).Count / run.Employees.Count;

    private static double Median(List<int> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The share of approvals whose approver is on another directory team than the author.</summary>
    private static double CrossTeamShare(PersonaRun run)
    {
        var teams = run.Employees.ToDictionary(e => e.Id, e => e.Team);
        var approvals = Approvals(run);
        return (double)approvals.Count(a => teams[a.Actor] != teams[(string)a.Attributes["author"]!]) / approvals.Count;
    }
}
