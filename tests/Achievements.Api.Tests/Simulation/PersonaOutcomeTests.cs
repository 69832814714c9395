using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Simulation;
using Achievements.Api.Tests.Infrastructure;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Achievements.Api.Tests.Simulation;

/// <summary>A year of each persona through the real service: farmers end with nothing on the directory, a strong developer with merge-master.</summary>
public sealed class PersonaOutcomeTests
{
    public static TheoryData<string> Farming => [.. PersonaLibrary.Farming.Select(persona => persona.Name)];

    [Theory]
    [MemberData(nameof(Farming))]
    public async Task A_farming_persona_ends_the_year_without_an_active_award(string name)
    {
        await using var app = new AchievementsApp();
        var run = await SeedAsync(app, name);

        foreach (var employee in run.Employees)
        {
            Assert.Empty((await app.BadgesOfAsync(employee.Id)).GetProperty("badges").EnumerateArray());
        }
    }

    [Fact]
    public async Task A_strong_honest_developer_earns_merge_master()
    {
        await using var app = new AchievementsApp();
        var run = await SeedAsync(app, "honest-strong");

        Assert.NotNull(await app.TierOfAsync(run.Employees[0].Id, "merge-master"));
        Assert.True((await app.ProgressAsync(run.Employees[0].Id, "merge-master")).Counted("pr.merged") >= 10);
    }

    private static async Task<PersonaRun> SeedAsync(AchievementsApp app, string name)
    {
        var run = PersonaLibrary.Find(name)!.Generate(name, AchievementsApp.Start, 365, new Random(11));
        await using var scope = app.Services.CreateAsyncScope();
        await OrganisationSeeding.SeedAsync(scope.ServiceProvider.GetRequiredService<IMediator>(), [run], TestContext.Current.CancellationToken);
        return run;
    }
}
