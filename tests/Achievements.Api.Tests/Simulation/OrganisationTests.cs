using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Simulation;

namespace Achievements.Api.Tests.Simulation;

/// <summary>The simulated organisation holds every farm and every honest shape, with exactly the head count asked for.</summary>
public sealed class OrganisationTests
{
    private static readonly DateTimeOffset Now = SimulateCommand.Now;

    [Theory]
    [InlineData(300, 11)]
    [InlineData(167, 4)]
    public void An_organisation_has_exactly_the_people_asked_for_every_farm_and_every_honest_shape(int employees, int seed)
    {
        var organisation = Organisation.Build(employees, 30, seed, Now)!;
        var personas = organisation.Runs.Select(run => run.Persona).ToHashSet();

        Assert.Equal(employees, organisation.Employees);
        Assert.All(PersonaLibrary.Farming, farm => Assert.Single(organisation.Runs, run => run.Persona == farm.Name));
        Assert.Contains("honest-strong", personas);
        if (employees >= 300)
        {
            Assert.All(PersonaLibrary.HonestTeams, shape => Assert.Contains(shape.Name, personas));
        }

        Assert.Equal(4, organisation.Phantoms);
    }

    [Fact]
    public void No_two_runs_share_a_directory_team()
    {
        var organisation = Organisation.Build(300, 30, 11, Now)!;

        var teams = organisation.Runs.SelectMany(run => run.People.Select(e => (Run: run, Team: e.Team ?? run.Persona))).Distinct();

        Assert.All(teams.GroupBy(t => t.Team), team => Assert.Single(team.Select(t => t.Run).Distinct()));
    }

    [Fact]
    public void The_same_seed_builds_the_same_organisation_and_the_smallest_one_holds_every_farm_and_one_honest_team()
    {
        var minimum = Organisation.MinimumEmployees(Now);

        var first = Organisation.Build(minimum, 30, 5, Now)!;
        var second = Organisation.Build(minimum, 30, 5, Now)!;

        Assert.Equal(first.Runs.SelectMany(run => run.Events.Select(e => e.ToJson().GetRawText())), second.Runs.SelectMany(run => run.Events.Select(e => e.ToJson().GetRawText())));
        Assert.Equal(minimum, first.Employees);
        // One honest team besides the slicer's control, which every organisation has.
        Assert.Single(first.Runs, run => !run.Farming && !PersonaLibrary.DrawnLast.Contains(run.Persona));
        Assert.Null(Organisation.Build(minimum - 1, 30, 5, Now));
    }
}
