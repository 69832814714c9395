using Achievements.Api.Features;
using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Tests.Simulation;

/// <summary>The personas write believable, valid runs, and the same seed always writes the same run.</summary>
public sealed class PersonaLibraryTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Every => [.. PersonaLibrary.Farming.Concat(PersonaLibrary.Honest).Select(persona => persona.Name)];

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

    [Fact]
    public void The_library_finds_personas_by_their_exact_names()
    {
        string[] farming = ["token-burner", "prompt-spammer", "self-merger", "trivial-splitter", "revert-and-remerge", "accept-then-discard", "review-ring", "bot-account", "burst-farmer", "replayer"];

        Assert.Equal(farming, PersonaLibrary.Farming.Select(p => p.Name));
        Assert.Equal(["honest-strong", "honest-steady", "honest-light"], PersonaLibrary.Honest.Select(p => p.Name));
        Assert.All(PersonaLibrary.Farming, p => Assert.True(p.Farming));
        Assert.All(PersonaLibrary.Honest, p => Assert.False(p.Farming));
        Assert.Null(PersonaLibrary.Find("honest"));
    }

    private static List<string> Wire(PersonaRun run) => [.. run.Events.Select(e => e.ToJson().GetRawText())];
}
