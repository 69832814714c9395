using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Simulation;

/// <summary>
/// A simulated company: every farming persona once, and honest developers of different strengths with their
/// colleagues for everyone else. The same size, days, seed and now always give the same organisation.
/// </summary>
internal sealed record Organisation(IReadOnlyList<PersonaRun> Runs)
{
    /// <summary>
    /// Each honest persona brings itself and four colleagues: a team of five, so that over a year an honest
    /// developer's work is vouched for by at least three people, while no colleague approves so much of it that
    /// the team looks like a ring.
    /// </summary>
    private const int HonestRunSize = 5;

    public int Employees => Runs.Sum(run => run.Employees.Count);

    /// <summary>Builds the organisation, or returns null when <paramref name="employees"/> cannot hold every farmer and one honest team.</summary>
    public static Organisation? Build(int employees, int days, int seed, DateTimeOffset now)
    {
        var master = new Random(seed);
        var runs = PersonaLibrary.Farming.Select(persona => persona.Generate(persona.Name, now, days, new Random(master.Next()))).ToList();
        var honestEmployees = employees - runs.Sum(run => run.Employees.Count);
        if (honestEmployees < HonestRunSize)
        {
            return null;
        }

        var teams = honestEmployees / HonestRunSize;
        var left = honestEmployees % HonestRunSize;
        for (var team = 0; team < teams; team++)
        {
            // One in four is strong, two are steady, one is light; the employees left over join the first
            // teams, one each in turn, so that the head count comes out exact.
            var (name, habits) = (team % 4) switch
            {
                0 => ("honest-strong", PersonaLibrary.Strong),
                2 => ("honest-light", PersonaLibrary.Light),
                _ => ("honest-steady", PersonaLibrary.Steady),
            };
            var peers = HonestRunSize - 1 + (left / teams) + (team < left % teams ? 1 : 0);
            runs.Add(new HonestPersona(name, habits, peers).Generate($"{name}-{team + 1:000}", now, days, new Random(master.Next())));
        }

        return new Organisation(runs);
    }

    /// <summary>How many employees the farming personas alone bring (a one-day run is enough to ask), plus one honest team.</summary>
    public static int MinimumEmployees(DateTimeOffset now) =>
        PersonaLibrary.Farming.Sum(persona => persona.Generate(persona.Name, now, 1, new Random(0)).Employees.Count) + HonestRunSize;
}
