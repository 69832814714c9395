using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Tests.Simulation;

/// <summary>
/// The farms aimed at independence really play their strategies, and the honest bystanders around them really are
/// honest, so that a clean simulation means something in both directions.
/// </summary>
public sealed class IndependenceFarmingShapeTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Wave => ["camouflaged-circle", "patron-farmer-3", "patron-farmer-5", "phantom-reviewers-1", "phantom-reviewers-3", "team-farm"];

    [Theory]
    [MemberData(nameof(Wave))]
    public void Bystanders_do_only_genuine_work_and_farmers_farm(string name)
    {
        var run = Play(name);
        var bystanders = run.Employees.Where(e => e.Bystander).Select(e => e.Id).ToHashSet();

        Assert.True(run.Farming);
        Assert.All(run.Events.Where(e => bystanders.Contains(e.Actor)), e => Assert.False(e.Farmed));
        Assert.Contains(run.Events, e => e.Farmed);
        Assert.All(run.Employees.Where(e => e.InDirectory), e => Assert.NotNull(e.Team));
    }

    [Theory]
    [InlineData("phantom-reviewers-1", 1)]
    [InlineData("phantom-reviewers-3", 3)]
    public void Phantoms_are_not_in_the_directory_and_appear_only_as_reviewers_and_approvers_taking_turns(string name, int phantoms)
    {
        var run = Play(name);
        var ghosts = run.Employees.Where(e => !e.InDirectory).Select(e => e.Id).ToHashSet();
        var farmer = run.Employees[0].Id;
        var farmed = run.Events.Where(e => e.Type == "pr.merged" && e.Farmed).ToList();

        Assert.Equal(phantoms, ghosts.Count);
        Assert.All(run.Events.Where(e => ghosts.Contains(e.Actor)), e => Assert.True(e.Type == "review.approved" && e.Farmed && (string)e.Attributes["author"]! == farmer));
        Assert.All(run.Events.Where(e => e.Type == "pr.merged" && Reviewers(e).Overlaps(ghosts)), e => Assert.True(e.Farmed && e.Actor == farmer));
        Assert.All(farmed, e => Assert.Single(Reviewers(e), ghosts.Contains));
        Assert.InRange(Median([.. farmed.Select(Lines)]), 60, 200);
        Assert.InRange(farmed.Count / 261.0, 1.5, 2.5);
        Assert.All(ghosts, ghost => Assert.InRange(farmed.Count(e => Reviewers(e).Contains(ghost)), farmed.Count / phantoms - 1, farmed.Count / phantoms + 1));
        Assert.Equal(2, run.Employees.Count(e => e.Bystander));
    }

    [Fact]
    public void A_camouflaged_circle_trades_trivial_pull_requests_across_eight_teams_and_gives_a_quarter_of_its_approvals_to_colleagues_real_work()
    {
        var run = Play("camouflaged-circle");
        var members = run.Employees.Where(e => !e.Bystander).ToList();
        var teams = run.Employees.ToDictionary(e => e.Id, e => e.Team);
        var bystanders = run.Employees.Where(e => e.Bystander).Select(e => e.Id).ToHashSet();
        var farmed = run.Events.Where(e => e.Type == "pr.merged" && e.Farmed).ToList();
        var approvals = run.Events.Where(e => e.Type == "review.approved").ToList();

        Assert.Equal(8, members.Select(e => e.Team).Distinct().Count());
        Assert.Equal(16, bystanders.Count);
        Assert.All(bystanders, b => Assert.Contains(members, m => m.Team == teams[b]));
        Assert.All(farmed, merge =>
        {
            Assert.InRange(Lines(merge), 5, 20);
            var approval = Assert.Single(approvals, a => Equals(a.Attributes["pr_id"], merge.Attributes["pr_id"]));
            Assert.True(approval.Farmed && members.Any(m => m.Id == approval.Actor) && teams[approval.Actor] != teams[merge.Actor]);
            Assert.InRange(merge.OccurredAt - approval.OccurredAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
        });
        Assert.All(members, member =>
        {
            var given = approvals.Where(a => a.Actor == member.Id).ToList();
            var toColleagues = given.Where(a => bystanders.Contains((string)a.Attributes["author"]!)).ToList();
            Assert.InRange((double)toColleagues.Count / given.Count, 0.18, 0.32);
            Assert.All(toColleagues, a => Assert.True(!a.Farmed && teams[(string)a.Attributes["author"]!] == member.Team));
        });
        // The colleagues' own work is reviewed by their teammates too, not only by the member.
        Assert.All(bystanders, b => Assert.Contains(approvals, a => a.Actor != b && bystanders.Contains(a.Actor) && (string)a.Attributes["author"]! == b));
    }

    [Theory]
    [InlineData("patron-farmer-3", 3)]
    [InlineData("patron-farmer-5", 5)]
    public void A_patron_fed_farmer_has_a_few_trivial_pull_requests_a_day_each_approved_minutes_before_by_one_of_its_patrons_on_other_teams(string name, int patrons)
    {
        var run = Play(name);
        var farmer = run.Employees[0];
        var teams = run.Employees.ToDictionary(e => e.Id, e => e.Team);
        var patronIds = run.Employees.Where(e => !e.Bystander && e != farmer).Select(e => e.Id).ToHashSet();
        var approvals = run.Events.Where(e => e.Type == "review.approved").ToList();
        var farmed = run.Events.Where(e => e.Type == "pr.merged" && e.Farmed).ToList();

        Assert.Equal(patrons, patronIds.Count);
        Assert.Equal(patrons + 1, patronIds.Append(farmer.Id).Select(id => teams[id]).Distinct().Count());
        Assert.All(farmed, merge =>
        {
            Assert.Equal(farmer.Id, merge.Actor);
            Assert.InRange(Lines(merge), 5, 20);
            var approval = Assert.Single(approvals, a => Equals(a.Attributes["pr_id"], merge.Attributes["pr_id"]));
            Assert.Contains(approval.Actor, patronIds);
            Assert.InRange(merge.OccurredAt - approval.OccurredAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        });
        Assert.InRange((double)farmed.Count / farmed.Select(e => e.OccurredAt.UtcDateTime.Date).Distinct().Count(), 3, 5);
        Assert.All(patronIds, patron =>
        {
            Assert.True(farmed.Count(e => Reviewers(e).Contains(patron)) >= farmed.Count / patrons / 2);
            // A patron's genuine reviewing is of its own teammates.
            var genuine = approvals.Where(a => a.Actor == patron && !a.Farmed).ToList();
            Assert.True(genuine.Count >= 20, $"{patron}: {genuine.Count}");
            Assert.All(genuine, a => Assert.Equal(teams[patron], teams[(string)a.Attributes["author"]!]));
        });
    }

    [Fact]
    public void A_team_farm_is_five_teammates_waving_several_trivial_pull_requests_a_day_each_through_within_minutes()
    {
        var run = Play("team-farm");
        var approvals = run.Events.Where(e => e.Type == "review.approved" && e.Farmed).ToDictionary(e => (string)e.Attributes["pr_id"]!, e => e, StringComparer.Ordinal);
        var farmed = run.Events.Where(e => e.Type == "pr.merged" && e.Farmed).ToList();

        Assert.Equal(5, run.Employees.Count);
        Assert.Single(run.Employees.Select(e => e.Team).Distinct());
        Assert.All(run.Employees, member => Assert.InRange(farmed.Count(e => e.Actor == member.Id) / 261.0, 3.5, 5.5));
        Assert.All(farmed, merge =>
        {
            Assert.InRange(Lines(merge), 5, 15);
            var approval = approvals[(string)merge.Attributes["pr_id"]!];
            Assert.NotEqual(merge.Actor, approval.Actor);
            Assert.InRange(merge.OccurredAt - approval.OccurredAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        });
    }

    private static PersonaRun Play(string name) => PersonaLibrary.Find(name)!.Generate(name, Now, 365, new Random(7));

    private static HashSet<string> Reviewers(SimulatedEvent merge) => [.. (IEnumerable<string>)merge.Attributes["reviewers"]!];

    private static int Lines(SimulatedEvent merge) => (int)merge.Attributes["lines_added"]! + (int)merge.Attributes["lines_deleted"]!;

    private static double Median(List<int> values) => values.Order().ElementAt(values.Count / 2);
}
