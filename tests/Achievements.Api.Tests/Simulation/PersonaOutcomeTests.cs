using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Simulation;
using Achievements.Api.Tests.Infrastructure;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Achievements.Api.Tests.Simulation;

/// <summary>
/// A year of each persona through the real service: farmers end with nothing on the directory above what their
/// genuine work earns, a strong developer with merge-master.
/// </summary>
public sealed class PersonaOutcomeTests
{
    public static IEnumerable<TheoryDataRow<string>> Farming => PersonaLibrary.Farming.Select(persona => new TheoryDataRow<string>(persona.Name));

    [Theory]
    [MemberData(nameof(Farming))]
    public async Task A_farming_persona_ends_the_year_without_an_active_award_above_what_its_genuine_work_earns(string name)
    {
        await using var app = new AchievementsApp();
        await using var scope = app.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        // A farm works inside an organisation, whose own people are what "normal" means: five honest teams beside it,
        // over the detectors' 90 days and a little more.
        PersonaRun[] organisation =
        [
            PersonaLibrary.Find("honest-siloed-teams")!.Generate("siloed", AchievementsApp.Start, 120, new Random(5)),
            PersonaLibrary.Find("honest-mixed-teams")!.Generate("mixed", AchievementsApp.Start, 120, new Random(6)),
        ];
        var run = await SeedAsync(mediator, name, organisation);

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

    private static async Task<PersonaRun> SeedAsync(IMediator mediator, string name, params PersonaRun[] besides)
    {
        var run = PersonaLibrary.Find(name)!.Generate(name, AchievementsApp.Start, 365, new Random(11));
        await OrganisationSeeding.SeedAsync(mediator, [run, .. besides], TestContext.Current.CancellationToken);
        return run;
    }
}
