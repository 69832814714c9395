using Achievements.Api.Features.Badges;
using Achievements.Api.Features.Gaming;
using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Simulation;
using Achievements.Api.Tests.Infrastructure;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Tests.Simulation;

/// <summary>
/// A year of each farming persona inside an organisation of honest teams: farmers end with nothing above what their
/// genuine work earns, and no honest person is held. Every persona is judged in memory by the scoring library, as the
/// adversarial gate judges them, and one farm goes through the real service end to end (on each store), as does a
/// strong developer, who earns merge-master.
/// </summary>
public sealed class PersonaOutcomeTests
{
    public static IEnumerable<TheoryDataRow<string>> Farming => PersonaLibrary.Farming.Select(persona => new TheoryDataRow<string>(persona.Name));

    /// <summary>The farm that goes through the service: a ring whose members vouch for each other, met by ingestion, counting, evaluation and the detectors.</summary>
    private const string EndToEndFarm = "review-ring";

    [Theory]
    [MemberData(nameof(Farming))]
    public void A_farming_persona_ends_the_year_without_a_tier_above_what_its_genuine_work_earns(string name)
    {
        var run = Generate(name);
        var catalog = new SignalCatalog(BuiltInSignals.All);
        var starters = SeedStarterBadgesHandler.Starters.Select(s => BadgeRules.Compile(s.Key, 1, s.Definition, catalog.ToRuleCatalog())).ToList();
        var gate = new AdversarialGate([new Recorded(run), .. Organisation().Select(r => new Recorded(r))], Options.Create(new DetectionOptions()), new GatePopulations());

        var report = gate.Run(starters, catalog, AchievementsApp.Start);

        Assert.Empty(report.Beaten);
        var honest = Organisation().Prepend(run).SelectMany(r => r.HonestPeople).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(report.Verdicts, v => v.Held && honest.Contains(v.Employee));
    }

    [Fact]
    public async Task A_farming_persona_run_through_the_service_ends_the_year_without_an_active_award_above_what_its_genuine_work_earns()
    {
        Assert.Contains(PersonaLibrary.Farming, p => p.Name == EndToEndFarm);
        await using var app = new AchievementsApp();
        await using var scope = app.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var organisation = Organisation();
        var run = await SeedAsync(mediator, EndToEndFarm, organisation);

        var report = await SimulationReport.ReadAsync(mediator, app.Services.GetRequiredService<IDbConnectionFactory>(), [run, .. organisation], AchievementsApp.Start, TestContext.Current.CancellationToken);

        Assert.Empty(report.FarmingWinners);
        Assert.Empty(report.HonestFlaggedOrHeld);
    }

    [Fact]
    public async Task A_strong_honest_developer_earns_merge_master()
    {
        await using var app = new AchievementsApp();
        await using var scope = app.Services.CreateAsyncScope();
        var run = await SeedAsync(scope.ServiceProvider.GetRequiredService<IMediator>(), "honest-strong");

        Assert.NotNull(await app.TierOfAsync(run.Employees[0].Id, "merge-master"));
        Assert.True((await app.ProgressAsync(run.Employees[0].Id, "merge-master")).Counted("pr.merged") >= 10);
    }

    /// <summary>
    /// A farm works inside an organisation, whose own people are what "normal" means: five honest teams beside it, over
    /// the detectors' 90 days and a little more.
    /// </summary>
    private static PersonaRun[] Organisation() =>
    [
        PersonaLibrary.Find("honest-siloed-teams")!.Generate("siloed", AchievementsApp.Start, 120, new Random(5)),
        PersonaLibrary.Find("honest-mixed-teams")!.Generate("mixed", AchievementsApp.Start, 120, new Random(6)),
    ];

    private static PersonaRun Generate(string name) => PersonaLibrary.Find(name)!.Generate(name, AchievementsApp.Start, 365, new Random(11));

    private static async Task<PersonaRun> SeedAsync(IMediator mediator, string name, params PersonaRun[] besides)
    {
        var run = Generate(name);
        await OrganisationSeeding.SeedAsync(mediator, [run, .. besides], TestContext.Current.CancellationToken);
        return run;
    }

    /// <summary>A run already generated, handed to the gate as a persona that gives it whatever it is asked.</summary>
    private sealed class Recorded(PersonaRun run) : IPersona
    {
        public string Name => run.Persona;

        public bool Farming => run.Farming;

        public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random) => run;
    }
}
