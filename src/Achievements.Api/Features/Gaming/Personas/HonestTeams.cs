namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>
/// One or more honest directory teams in which every member is a full developer: each ships reviewed pull requests
/// at a pace of their own, reviews teammates' work before it merges, and uses an assistant. Nothing is farmed.
/// </summary>
/// <remarks>
/// Unlike <see cref="HonestPersona"/>, which spreads its colleagues' approvals to at most one a month each, nothing
/// here is shaped to please a detector: reviewers are drawn at random from the team as real teams draw them, so a
/// team of three that reviews only itself trades approvals all year. These runs exist to show that such teams are
/// judged honest.
/// </remarks>
/// <param name="name">The shape's name, a row of the simulation's table.</param>
/// <param name="teams">How many directory teams the run has.</param>
/// <param name="smallest">The fewest people a team has when the run draws its sizes.</param>
/// <param name="largest">The most people a team has when the run draws its sizes.</param>
/// <param name="crossTeamShare">The share of reviews that go to someone on another team of the run (0: every team reviews only itself).</param>
/// <param name="teamPace">How many times an ordinary developer's pull-request rate every member ships.</param>
/// <param name="starPace">How many times the rest of the first team's average rate its first member ships (1: no high performer).</param>
/// <param name="sizes">Each team's size, fixed by <see cref="Sized"/>; null: drawn per run.</param>
internal sealed class HonestTeams(string name, int teams, int smallest, int largest, double crossTeamShare = 0, double teamPace = 1, double starPace = 1, IReadOnlyList<int>? sizes = null) : IPersona
{
    /// <summary>
    /// An ordinary developer merges between half a pull request and 1.6 a week: about what the library's steady and
    /// strong developers ship.
    /// </summary>
    private const double SlowestPace = 0.5;
    private const double FastestPace = 1.6;

    /// <summary>How many working days after accepting a suggestion its pull request merges at the latest: two weeks, as for <see cref="HonestPersona"/>.</summary>
    private const int SuggestionToMergeDays = 14;

    private static readonly string[] TeamNames = ["Payments", "Search", "Mobile", "Platform", "Data", "Identity", "Growth", "Billing"];

    public string Name => name;

    public bool Farming => false;

    public int Teams => teams;

    public int Smallest => smallest;

    public int Largest => largest;

    public double CrossTeamShare => crossTeamShare;

    /// <summary>The same shape with its team sizes fixed, so that an organisation can fill an exact head count.</summary>
    public HonestTeams Sized(IReadOnlyList<int> fixedSizes) =>
        fixedSizes.Count == teams && fixedSizes.All(size => size >= 2)
            ? new(name, teams, smallest, largest, crossTeamShare, teamPace, starPace, fixedSizes)
            : throw new ArgumentException($"{name} needs {teams} teams of at least two.", nameof(fixedSizes));

    public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random)
    {
        var line = new Timeline(idPrefix, now, days, random);
        var teamSizes = sizes ?? [.. Enumerable.Range(0, teams).Select(_ => random.Next(smallest, largest + 1))];
        var members = new List<Member>();
        for (var t = 0; t < teamSizes.Count; t++)
        {
            var team = teams == 1 ? line.Team() : line.Team(TeamNames[t % TeamNames.Length]);
            for (var m = 0; m < teamSizes[t]; m++)
            {
                var pace = (SlowestPace + (random.NextDouble() * (FastestPace - SlowestPace))) * teamPace;
                members.Add(new Member(line.Employee($"t{t + 1}-m{m + 1}"), team, pace));
            }
        }

        if (starPace != 1)
        {
            // The first member of the first team ships several times what the rest of the team does, at ordinary size.
            var first = members[0];
            members[0] = first with { Pace = starPace * members.Where(m => m.Team == first.Team && m != first).Average(m => m.Pace) };
        }

        foreach (var member in members)
        {
            Work(line, member, members);
        }

        var employees = members.Select((m, i) => new SimulatedEmployee(m.Id, $"{m.Team} Developer {i + 1}", Team: m.Team)).ToList();
        return line.Finish(name, farming: false, employees);
    }

    /// <summary>A member's year: their own calendar, spend, suggestions, and pull requests reviewed by colleagues.</summary>
    private void Work(Timeline line, Member member, List<Member> everyone)
    {
        var random = line.Random;
        var teammates = everyone.Where(m => m.Team == member.Team && m != member).Select(m => m.Id).ToList();
        var others = everyone.Where(m => m.Team != member.Team).Select(m => m.Id).ToList();
        var workingDays = line.WorkingDays().ToList();

        // When the member merges is planned first, so that a day's accepted suggestions know the pull request they go into.
        var merges = workingDays
            .SelectMany(day => Enumerable.Range(0, line.Times(member.Pace / 5)).Select(_ => new PlannedMerge(line.At(day, 10, 17), line.NextId("pr"))))
            .OrderBy(m => m.At)
            .ToList();

        var next = 0;
        foreach (var day in workingDays)
        {
            if (random.NextDouble() < 0.8)
            {
                line.Tokens(member.Id, line.At(day), random.Next(3_000, 20_000));
            }

            for (var i = random.Next(0, 3); i > 0; i--)
            {
                line.Prompt(member.Id, line.At(day), random.Next(150, 2_500));
            }

            foreach (var at in Enumerable.Range(0, random.Next(0, 5)).Select(_ => line.At(day)).Order())
            {
                var lines = random.Next(1, 14);
                var language = line.Language();
                var suggestion = line.SuggestionShown(member.Id, at, lines, language);
                if (random.NextDouble() < 0.25)
                {
                    var accepted = line.Clamp(at.AddSeconds(random.Next(2, 40)));
                    while (next < merges.Count && merges[next].At < accepted)
                    {
                        next++;
                    }

                    var merge = next < merges.Count && merges[next].At - accepted <= TimeSpan.FromDays(SuggestionToMergeDays) ? merges[next] : null;
                    merge?.SuggestedLines += lines;
                    line.SuggestionAccepted(member.Id, accepted, suggestion, lines, language, merge?.PrId);
                }
            }
        }

        foreach (var merge in merges)
        {
            var reviewers = new List<string>();
            for (var slot = random.NextDouble() < GenuineWork.SecondReviewer ? 2 : 1; slot > 0; slot--)
            {
                // Each review goes outside the team with the shape's share, drawn at random from whoever is there.
                var pool = random.NextDouble() < crossTeamShare && others.Count > 0 ? others : teammates;
                var candidates = pool.Where(id => !reviewers.Contains(id)).ToList();
                if (candidates.Count > 0)
                {
                    reviewers.Add(candidates[random.Next(candidates.Count)]);
                }
            }

            // Drawn in the order the arguments were, so that the run is the same as before evidence was written.
            var atLeastAdded = merge.SuggestedLines + random.Next(5, 60);
            var aiAssisted = merge.SuggestedLines > 0 || random.NextDouble() < 0.2;
            GenuineWork.ReviewedMerge(line, member.Id, merge.At, reviewers, atLeastAdded, aiAssisted, merge.PrId);
            if (aiAssisted)
            {
                GenuineWork.CoAuthored(line, member.Id, merge.At, merge.PrId);
            }
        }
    }

    /// <summary>A developer of the run: their id, directory team, and pull requests a week.</summary>
    private sealed record Member(string Id, string Team, double Pace);

    /// <summary>A pull request a member will merge: when, its id, and how many accepted suggested lines it holds.</summary>
    private sealed class PlannedMerge(DateTimeOffset at, string prId)
    {
        public DateTimeOffset At { get; } = at;

        public string PrId { get; } = prId;

        public int SuggestedLines { get; set; }
    }
}
