namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>Every persona the simulation and the tests know, by name.</summary>
internal static class PersonaLibrary
{
    /// <summary>Reviews colleagues' work twice a week and ships one or two reviewed pull requests: merge-master territory.</summary>
    public static readonly WorkHabits Strong = new(PullRequestsPerWeek: 1.5, ReviewsPerWeek: 2, SuggestionsShownPerDay: 12, AcceptRate: 0.3, TokensPerDay: 20_000, AiAssistedShare: 0.4);

    /// <summary>A pull request every week or two.</summary>
    public static readonly WorkHabits Steady = new(PullRequestsPerWeek: 0.7, ReviewsPerWeek: 1, SuggestionsShownPerDay: 5, AcceptRate: 0.25, TokensPerDay: 12_000, AiAssistedShare: 0.3);

    /// <summary>A few pull requests a month and few suggestions.</summary>
    public static readonly WorkHabits Light = new(PullRequestsPerWeek: 0.4, ReviewsPerWeek: 0.4, SuggestionsShownPerDay: 2, AcceptRate: 0.2, TokensPerDay: 5_000, AiAssistedShare: 0.2);

    public static IReadOnlyList<IPersona> Farming { get; } =
    [
        new TokenBurner(),
        new PromptSpammer(),
        new SelfMerger(),
        new TrivialSplitter(),
        new RevertAndRemerge(),
        new AcceptThenDiscard(),
        new ReviewRing(),
        new BotAccount(),
        new BurstFarmer(),
        new Replayer(),
        new AgentLoop(),
        new RubberStamper(),
        new PatronFedFarmer(),
        new ClosedCircle(),
        new MixedCircle(),
        new TokenHider(),
        // Aimed at how independence is judged (issue 24): camouflage on the giving side, several patrons, reviewers
        // who are not people, and a farm inside one team.
        new CamouflagedCircle(),
        new PatronFarmer(patrons: 3),
        new PatronFarmer(patrons: 5),
        new PhantomReviewers(phantoms: 1),
        new PhantomReviewers(phantoms: 3),
        new TeamFarm(),
        // Aimed at units of work and attribution by evidence (issue 25): a word with no evidence behind it and a trickle
        // of spend, and work cut into slices (judged beside its control, the same lines as one pull request a week).
        new LabelFarmer(),
        new Slicer(),
    ];

    public static IReadOnlyList<IPersona> Honest { get; } =
    [
        new HonestPersona("honest-strong", Strong),
        new HonestPersona("honest-steady", Steady),
        new HonestPersona("honest-light", Light),
        new SlicerControl(),
    ];

    /// <summary>
    /// The personas of issue 25, which a simulated organisation draws after all the others (<see cref="Simulation.Organisation"/>),
    /// so that adding them left every earlier run of a seed as it was.
    /// </summary>
    public static IReadOnlyList<string> DrawnLast { get; } = ["label-farmer", "slicer", "slicer-control"];

    /// <summary>
    /// Honest organisations of ordinary shapes, every member a full developer reviewed by teammates as real teams
    /// review: whatever the engine does, none of these people may be flagged or held. Team sizes are drawn per run.
    /// </summary>
    public static IReadOnlyList<HonestTeams> HonestTeams { get; } =
    [
        // A team of 3 to 8 that reviews only itself.
        new("honest-team", teams: 1, smallest: 3, largest: 8),
        // Two teams that never review each other.
        new("honest-siloed-teams", teams: 2, smallest: 3, largest: 6),
        // Three teams that send 30 % of their reviews across team lines.
        new("honest-mixed-teams", teams: 3, smallest: 3, largest: 6, crossTeamShare: 0.3),
        // A team shipping two and a half times the ordinary rate, at ordinary sizes and review latency.
        new("honest-busy-team", teams: 1, smallest: 4, largest: 7, teamPace: 2.5),
        // One member shipping four times the rest of the team's rate, reviewed by the team.
        new("honest-high-performer", teams: 1, smallest: 4, largest: 7, starPace: 4),
    ];

    public static IPersona? Find(string name) =>
        Farming.Concat(Honest).Concat(HonestTeams).FirstOrDefault(persona => persona.Name == name);
}
