using Achievements.Api.Features;
using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Tests.Simulation;

/// <summary>The personas write believable, valid runs, and the same seed always writes the same run.</summary>
public sealed class PersonaLibraryTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Every =>
        [.. PersonaLibrary.Farming.Concat(PersonaLibrary.Honest).Concat(PersonaLibrary.HonestTeams).Select(persona => persona.Name)];

    [Theory]
    [MemberData(nameof(Every))]
    public void The_same_seed_gives_the_same_run(string name)
    {
        var persona = PersonaLibrary.Find(name)!;

        var first = persona.Generate("team-1", Now, 365, new Random(42));
        var second = persona.Generate("team-1", Now, 365, new Random(42));
        var other = persona.Generate("team-1", Now, 365, new Random(43));

        Assert.Equal(first.Employees, second.Employees);
        Assert.Equal(Wire(first), Wire(second));
        Assert.NotEqual(Wire(first), Wire(other));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Every_event_is_inside_the_run_and_by_one_of_its_employees(string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate("team-1", Now, 365, new Random(7));
        var employees = run.Employees.Select(e => e.Id).ToHashSet();

        Assert.All(employees, id => Assert.True(EmployeeId.IsValid(id) && id.StartsWith("team-1-", StringComparison.Ordinal), id));
        Assert.NotEmpty(run.Events);
        Assert.All(run.Events, e => Assert.InRange(e.OccurredAt, Now.AddDays(-365), Now));
        Assert.All(run.Events, e => Assert.Contains(e.Actor, employees));
        Assert.Equal(run.Events.OrderBy(e => e.OccurredAt).Select(e => e.Id), run.Events.Select(e => e.Id));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Event_ids_are_unique_unless_the_persona_replays_on_purpose(string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate("team-1", Now, 365, new Random(7));

        var repeated = run.Events.GroupBy(e => e.Id).Where(g => g.Count() > 1).ToList();

        if (name == "replayer")
        {
            Assert.InRange(repeated.Count, 1, 6);
            Assert.All(repeated, copies => Assert.Single(copies.Select(e => e.ToJson().GetRawText()).Distinct()));
        }
        else
        {
            Assert.Empty(repeated);
        }
    }

    [Fact]
    public void Honest_pull_requests_are_reviewed_by_colleagues_who_are_employees_of_the_run()
    {
        var run = PersonaLibrary.Find("honest-strong")!.Generate("team-1", Now, 365, new Random(7));
        var employees = run.Employees.Select(e => e.Id).ToHashSet();
        var developer = run.Employees[0].Id;

        var merged = run.Events.Where(e => e.Type == "pr.merged" && e.Actor == developer).ToList();
        var reviewers = merged.SelectMany(e => (IEnumerable<string>)e.Attributes["reviewers"]!).ToList();

        Assert.InRange(merged.Count, 52, 2 * 52);
        Assert.All(reviewers, reviewer => Assert.True(reviewer != developer && employees.Contains(reviewer), reviewer));
        Assert.Contains(run.Events, e => e.Type == "review.approved" && e.Actor != developer);
        Assert.True(run.Events.Count(e => e.Type == "suggestion.shown") >= run.Events.Count(e => e.Type == "suggestion.accepted"));
        Assert.Contains(merged, e => e.Attributes.TryGetValue("ai_assisted", out var ai) && ai is true);
    }

    public static TheoryData<string> Honest => [.. PersonaLibrary.Honest.Select(persona => persona.Name)];

    [Theory]
    [MemberData(nameof(Honest))]
    public void Honest_suggestions_go_into_pull_requests_the_developer_merges_within_two_working_weeks_and_fit_in_them(string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate("team-1", Now, 365, new Random(7));
        var developer = run.Employees[0].Id;
        var merges = run.Events.Where(e => e.Type == "pr.merged" && e.Actor == developer).ToDictionary(e => (string)e.Attributes["pr_id"]!);
        var accepted = run.Events.Where(e => e.Type == "suggestion.accepted").ToList();
        var linked = accepted.Where(e => e.Attributes.ContainsKey("pr_id")).ToList();

        Assert.All(linked, e =>
        {
            var merge = merges[(string)e.Attributes["pr_id"]!];
            Assert.True(merge.OccurredAt >= e.OccurredAt && merge.OccurredAt - e.OccurredAt <= TimeSpan.FromDays(21), $"{e.Id} at {e.OccurredAt:O}, merged {merge.OccurredAt:O}");
        });
        // A light developer merges every two or three weeks, so much of what it accepts never ships; a strong one ships nearly all.
        Assert.True(linked.Count >= accepted.Count * (name == "honest-strong" ? 0.9 : 0.3), $"{linked.Count} of {accepted.Count} accepted suggestions name a pull request");
        Assert.All(linked.GroupBy(e => (string)e.Attributes["pr_id"]!), pr =>
            Assert.True(pr.Sum(e => (int)e.Attributes["lines"]!) <= (int)merges[pr.Key].Attributes["lines_added"]!, pr.Key));
    }

    [Theory]
    [MemberData(nameof(Honest))]
    public void Every_honest_approval_comes_before_the_merge_of_the_pull_request_it_approves(string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate("team-1", Now, 365, new Random(7));
        var merges = run.Events.Where(e => e.Type == "pr.merged").ToDictionary(e => (string)e.Attributes["pr_id"]!);

        Assert.All(run.Events.Where(e => e.Type == "review.approved"), approval =>
        {
            var merge = merges[(string)approval.Attributes["pr_id"]!];
            Assert.Equal(approval.Attributes["author"], merge.Actor);
            Assert.Contains(approval.Actor, (IEnumerable<string>)merge.Attributes["reviewers"]!);
            Assert.True(approval.OccurredAt < merge.OccurredAt, $"{approval.Id} at {approval.OccurredAt:O}, merged {merge.OccurredAt:O}");
        });
    }

    // The developers of ordinary habits; the slicer's control ships one pull request a week and reviews nobody's.
    public static TheoryData<string> Developers => [.. PersonaLibrary.Honest.OfType<HonestPersona>().Select(persona => persona.Name)];

    [Theory]
    [MemberData(nameof(Developers))]
    public void An_honest_developer_is_vouched_for_by_at_least_three_colleagues_none_of_them_more_than_once_a_month(string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate("team-1", Now, 365, new Random(7));
        var developer = run.Employees[0].Id;

        var reviewers = run.Events.Where(e => e.Type == "pr.merged" && e.Actor == developer).SelectMany(e => (IEnumerable<string>)e.Attributes["reviewers"]!).Distinct().ToList();
        var approved = run.Events.Where(e => e.Type == "review.approved" && e.Actor == developer).Select(e => (string)e.Attributes["author"]!).Distinct().ToList();
        var approvalsOfTheDeveloper = run.Events.Where(e => e.Type == "review.approved" && (string)e.Attributes["author"]! == developer);

        Assert.True(reviewers.Count >= 3, string.Join(", ", reviewers));
        Assert.True(approved.Count >= 3, string.Join(", ", approved));
        Assert.All(approvalsOfTheDeveloper.GroupBy(e => (e.Actor, e.OccurredAt.Year, e.OccurredAt.Month)), month => Assert.Single(month));
    }

    [Fact]
    public void Honest_spend_comes_from_the_model_gateway_and_a_team_is_one_run()
    {
        var run = PersonaLibrary.Find("honest-steady")!.Generate("team-1", Now, 365, new Random(7));

        Assert.All(run.Events.Where(e => e.Type == "tokens.consumed"), e => Assert.Equal(Timeline.Gateway, e.Source));
        Assert.All(run.Events.Where(e => e.Type != "tokens.consumed"), e => Assert.Null(e.Source));
        Assert.All(run.Events, e => Assert.False(e.Farmed));
        Assert.Single(run.Employees.Select(e => e.Team).Distinct());
        Assert.Equal("Team 1", run.Employees[0].Team);
    }

    [Fact]
    public void The_library_finds_personas_by_their_exact_names()
    {
        string[] farming =
        [
            "token-burner", "prompt-spammer", "self-merger", "trivial-splitter", "revert-and-remerge", "accept-then-discard", "review-ring", "bot-account", "burst-farmer", "replayer",
            "agent-loop", "rubber-stamper", "patron-fed-farmer", "closed-circle", "mixed-circle", "token-hider",
            "camouflaged-circle", "patron-farmer-3", "patron-farmer-5", "phantom-reviewers-1", "phantom-reviewers-3", "team-farm",
            "label-farmer", "slicer",
        ];

        Assert.Equal(farming, PersonaLibrary.Farming.Select(p => p.Name));
        Assert.Equal(["honest-strong", "honest-steady", "honest-light", "slicer-control"], PersonaLibrary.Honest.Select(p => p.Name));
        Assert.Equal(["honest-team", "honest-siloed-teams", "honest-mixed-teams", "honest-busy-team", "honest-high-performer"], PersonaLibrary.HonestTeams.Select(p => p.Name));
        Assert.All(PersonaLibrary.Farming, p => Assert.True(p.Farming));
        Assert.All(PersonaLibrary.Honest.Concat(PersonaLibrary.HonestTeams), p => Assert.False(p.Farming));
        Assert.All(PersonaLibrary.Farming.Concat(PersonaLibrary.HonestTeams), p => Assert.Same(p, PersonaLibrary.Find(p.Name)));
        Assert.Null(PersonaLibrary.Find("honest"));
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Everyone_in_an_honest_run_is_an_honest_person_and_in_a_farming_run_only_its_bystanders_are(string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate("team-1", Now, 30, new Random(7));

        if (run.Farming)
        {
            Assert.DoesNotContain(run.Employees[0], run.HonestPeople);
            Assert.All(run.HonestPeople, e => Assert.True(e.Bystander && e.InDirectory));
        }
        else
        {
            Assert.Equal(run.Employees, run.HonestPeople);
        }
    }

    private static List<string> Wire(PersonaRun run) => [.. run.Events.Select(e => e.ToJson().GetRawText())];
}
