using Achievements.Api.Features.Keys;
using Achievements.Api.Infrastructure;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Simulation;

/// <summary>
/// <c>--demo</c>: fills an empty database with a simulated organisation ending now, evaluates it, and prints a key
/// to look around with. A database that already has events is left alone: the demo never mixes with real data.
/// </summary>
internal static class DemoSeeding
{
    public const string Flag = "--demo";

    // Every farming persona, the gate's and the third wave's (120 people), and honest runs of the first shapes for the rest.
    private const int Employees = 160;
    private const int Days = 365;
    private const int Seed = 7;

    private const string AnyEvent = "SELECT EXISTS (SELECT 1 FROM events)";

    public static async Task SeedAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        await using (var connection = await services.GetRequiredService<IDbConnectionFactory>().OpenAsync(cancellationToken))
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(AnyEvent, cancellationToken: cancellationToken)))
            {
                await output.WriteLineAsync("--demo: the database already has events, so nothing was seeded; serving it as it is.");
                return;
            }
        }

        // The real clock, so that the demo looks alive: the last events happened minutes ago.
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var organisation = Organisation.Build(Employees, Days, Seed, now)!;
        await using var scope = services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var summary = await OrganisationSeeding.SeedAsync(mediator, organisation.Runs, cancellationToken);

        var strong = organisation.Runs.First(run => run.Persona == "honest-strong").Employees[0];
        var key = await mediator.Send(new CreateKey("employee", strong.Id), cancellationToken);
        var events = organisation.Runs.Sum(run => run.Events.Count);
        var url = services.GetRequiredService<IConfiguration>()["urls"]?.Split(';')[0] ?? ServiceSetup.DefaultUrl;
        await output.WriteLineAsync($"""

            --demo: seeded {organisation.Employees} employees and {events} events over {Days} days (seed {Seed}) and evaluated them: {summary.Granted} awards granted.
            Every farming persona is in there too (token-burner, review-ring, closed-circle, camouflaged-circle, phantom-reviewers-3, ...), with its employees' teams named after it (a review circle's members each on a team of their own), beside honest teams of several shapes.

            An employee key for {strong.Id}, a strong honest developer, to see their own progress:

                curl -H "Authorization: Bearer {key.Key}" {url}/api/v1/employees/{strong.Id}/progress

            For everything else use the admin key: Achievements:AdminKey if configured, or the one printed above when this database was created.

            """);
    }
}
