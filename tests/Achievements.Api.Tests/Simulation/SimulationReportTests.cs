using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Simulation;
using Achievements.Api.Tests.Infrastructure;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Achievements.Api.Tests.Simulation;

/// <summary>The report counts the honest people a defence wronged, and one of them is enough to break the promise.</summary>
public sealed class SimulationReportTests
{
    [Fact]
    public void One_honest_person_flagged_or_held_breaks_the_promise_and_the_verdict_names_them()
    {
        var report = Report(honestFlaggedOrHeld: ["team-1-t1-m2"]);

        Assert.False(report.Passed);
        Assert.Equal(SimulateCommand.PromiseBroken, SimulateCommand.ExitCode(report));
        Assert.Equal("Verdict: the promise is broken: 1 honest person flagged or held: team-1-t1-m2.", SimulateCommand.Verdict(report));
    }

    [Fact]
    public void The_verdict_names_the_first_five_honest_people_wronged_and_counts_the_rest()
    {
        var report = Report(honestFlaggedOrHeld: [.. Enumerable.Range(1, 8).Select(n => $"team-1-m{n}")]);

        Assert.EndsWith("8 honest people flagged or held: team-1-m1, team-1-m2, team-1-m3, team-1-m4, team-1-m5 and 3 more.", SimulateCommand.Verdict(report));
    }

    [Fact]
    public void With_no_honest_person_wronged_no_farm_paid_and_every_strong_developer_earning_the_promise_holds()
    {
        var report = Report(honestFlaggedOrHeld: []);

        Assert.True(report.Passed);
        Assert.Equal(SimulateCommand.Success, SimulateCommand.ExitCode(report));
        Assert.EndsWith("no honest person is flagged or held.", SimulateCommand.Verdict(report));
    }

    [Fact]
    public async Task A_phantom_reviewer_never_enters_the_directory_and_the_report_counts_only_the_farmers_teammates_as_honest()
    {
        await using var app = new AchievementsApp();
        await using var scope = app.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var run = PersonaLibrary.Find("phantom-reviewers-1")!.Generate("phantom-reviewers-1", AchievementsApp.Start, 60, new Random(11));
        await OrganisationSeeding.SeedAsync(mediator, [run], TestContext.Current.CancellationToken);
        var phantom = run.Employees.Single(e => !e.InDirectory);

        var report = await SimulationReport.ReadAsync(mediator, app.Services.GetRequiredService<IDbConnectionFactory>(), [run], AchievementsApp.Start, TestContext.Current.CancellationToken);
        var account = await mediator.Send(new GetEmployeeBadges(phantom.Id), TestContext.Current.CancellationToken);

        // Ingestion created the account from its approvals; no authority named or placed it.
        Assert.Null(account.DisplayName);
        Assert.Null(account.Team);
        Assert.Equal(2, report.HonestPeople);
        Assert.Equal(3, Assert.Single(report.Rows).Employees);
        Assert.Equal(2, report.Rows[0].HonestPeople);
        Assert.Equal(report.HonestFlaggedOrHeld.Count, report.Rows[0].HonestFlaggedOrHeld);
    }

    private static SimulationReport Report(IReadOnlyList<string> honestFlaggedOrHeld) => new()
    {
        Rows = [],
        FarmingWinners = [],
        StrongWithoutAward = [],
        StrongDevelopers = 1,
        HonestFlaggedOrHeld = honestFlaggedOrHeld,
        HonestPeople = 10,
    };
}
