using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Simulation;

/// <summary>
/// A simulated company: every farming persona once (the gate's and the third wave's), and honest runs of every
/// shape in turn for everyone else. The same size, days, seed and now always give the same organisation.
/// </summary>
internal sealed record Organisation(IReadOnlyList<PersonaRun> Runs)
{
    /// <summary>
    /// Each single-developer honest persona brings itself and four colleagues: a team of five, so that over a year an
    /// honest developer's work is vouched for by at least three people, while no colleague approves so much of it that
    /// the team looks like a ring.
    /// </summary>
    private const int HonestRunSize = 5;

    /// <summary>
    /// The honest shapes in the order the organisation fills its honest head count with them, from a strong developer
    /// (there is always at least one to check) to whole teams of every shape. A shape is how many teams it has and how
    /// big each may be, and how to make the persona once the sizes are drawn.
    /// </summary>
    private static readonly IReadOnlyList<HonestShape> Rotation =
    [
        Single("honest-strong", PersonaLibrary.Strong),
        Teams("honest-team"),
        Single("honest-steady", PersonaLibrary.Steady),
        Teams("honest-siloed-teams"),
        Teams("honest-mixed-teams"),
        Single("honest-light", PersonaLibrary.Light),
        Teams("honest-busy-team"),
        Teams("honest-high-performer"),
        Single("honest-steady", PersonaLibrary.Steady),
    ];

    /// <summary>The people in the directory; phantom accounts that only events name are not employees.</summary>
    public int Employees => Runs.Sum(run => run.People.Count());

    /// <summary>Accounts that only events name: each becomes a bare actor when ingestion first sees it.</summary>
    public int Phantoms => Runs.Sum(run => run.Employees.Count(e => !e.InDirectory));

    /// <summary>Builds the organisation, or returns null when <paramref name="employees"/> cannot hold every farmer and one honest team.</summary>
    public static Organisation? Build(int employees, int days, int seed, DateTimeOffset now)
    {
        var master = new Random(seed);
        var runs = Farming.Select(persona => persona.Generate(persona.Name, now, days, new Random(master.Next()))).ToList();
        var plans = Plan(employees - runs.Sum(run => run.People.Count()) - PeopleOf(DrawnLast, now), master);
        if (plans is null)
        {
            return null;
        }

        for (var i = 0; i < plans.Count; i++)
        {
            var (shape, sizes) = plans[i];
            runs.Add(shape.Persona(sizes).Generate($"{shape.Name}-{i + 1:000}", now, days, new Random(master.Next())));
        }

        // One seed for them all, drawn after every other run's: the slicer and its control plan the very same lines.
        var last = master.Next();
        runs.AddRange(DrawnLast.Select(persona => persona.Generate(persona.Name, now, days, new Random(last))));
        return new Organisation(runs);
    }

    /// <summary>How many people the farming personas and those drawn last bring, plus one honest team.</summary>
    public static int MinimumEmployees(DateTimeOffset now) => PeopleOf(Farming.Concat(DrawnLast), now) + Rotation[0].Smallest;

    /// <summary>The farms drawn first, in the library's order: each takes the next seed of the organisation's random.</summary>
    private static IEnumerable<IPersona> Farming => PersonaLibrary.Farming.Where(persona => !PersonaLibrary.DrawnLast.Contains(persona.Name));

    /// <summary>
    /// The personas added with units of work and attribution by evidence, drawn after the honest runs, so that a seed
    /// gives the farms and honest people it gave before they existed; the head count still includes their people.
    /// </summary>
    private static IEnumerable<IPersona> DrawnLast =>
        PersonaLibrary.DrawnLast.Select(name => PersonaLibrary.Find(name) ?? throw new InvalidOperationException($"No persona {name}."));

    /// <summary>How many people the personas bring: a one-day run is enough to ask.</summary>
    private static int PeopleOf(IEnumerable<IPersona> personas, DateTimeOffset now) =>
        personas.Sum(persona => persona.Generate(persona.Name, now, 1, new Random(0)).People.Count());

    /// <summary>
    /// Team sizes for the honest runs, the shapes taken in turn with sizes drawn from <paramref name="random"/>. A shape
    /// that does not fit what is left shrinks its biggest teams as far as its smallest size allows; when even that does
    /// not fit, the people left over join the planned teams one each in turn, so that the head count comes out exact.
    /// Null when not even the first shape fits.
    /// </summary>
    private static List<(HonestShape Shape, List<int> Sizes)>? Plan(int honest, Random random)
    {
        var plans = new List<(HonestShape Shape, List<int> Sizes)>();
        var left = honest;
        for (var turn = 0; ; turn++)
        {
            var shape = Rotation[turn % Rotation.Count];
            if (shape.Teams * shape.Smallest > left)
            {
                break;
            }

            var sizes = Enumerable.Range(0, shape.Teams).Select(_ => random.Next(shape.Smallest, shape.Largest + 1)).ToList();
            while (sizes.Sum() > left)
            {
                sizes[sizes.IndexOf(sizes.Max())]--;
            }

            plans.Add((shape, sizes));
            left -= sizes.Sum();
        }

        if (plans.Count == 0)
        {
            return null;
        }

        var teams = plans.SelectMany(plan => plan.Sizes.Select((_, team) => (plan.Sizes, Team: team))).ToList();
        for (var i = 0; left > 0; i++, left--)
        {
            var (sizes, team) = teams[i % teams.Count];
            sizes[team]++;
        }

        return plans;
    }

    private static HonestShape Single(string name, WorkHabits habits) =>
        new(name, 1, HonestRunSize, HonestRunSize, sizes => new HonestPersona(name, habits, peers: sizes[0] - 1));

    private static HonestShape Teams(string name)
    {
        var teams = PersonaLibrary.HonestTeams.Single(persona => persona.Name == name);
        return new(name, teams.Teams, teams.Smallest, teams.Largest, teams.Sized);
    }

    /// <summary>An honest shape in the rotation: its teams, their sizes, and the persona for sizes drawn.</summary>
    private sealed record HonestShape(string Name, int Teams, int Smallest, int Largest, Func<IReadOnlyList<int>, IPersona> Persona);
}
