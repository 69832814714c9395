namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>How much an honest developer does in an ordinary week; the three honest personas differ only here.</summary>
internal sealed record WorkHabits(
    double PullRequestsPerWeek,
    double ReviewsPerWeek,
    int SuggestionsShownPerDay,
    double AcceptRate,
    int TokensPerDay,
    double AiAssistedShare);

/// <summary>
/// A developer who ships reviewed work with some help from AI, together with the colleagues who review it.
/// The colleagues are real employees: they author the pull requests the developer approves, and approve
/// the developer's own now and then. Everything is genuine: the suggestions the developer accepts go into
/// the pull request it merges next, each approval comes before the merge of the pull request it approves,
/// and over a year the work is vouched for by every colleague, not by one.
/// </summary>
internal sealed class HonestPersona(string name, WorkHabits habits, int peers = 4) : IPersona
{
    /// <summary>
    /// How many working days after accepting a suggestion its pull request merges at the latest: two weeks. Code
    /// accepted longer before a merge was an experiment that never shipped, and the editor names no pull request.
    /// </summary>
    private const int SuggestionToMergeDays = 10;

    public string Name => name;

    public bool Farming => false;

    public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random)
    {
        var line = new Timeline(idPrefix, now, days, random);
        var developer = line.Employee("dev");
        var colleagues = Enumerable.Range(1, peers).Select(n => line.Employee($"peer-{n}")).ToList();
        var approvedInMonth = new HashSet<(string Colleague, int Year, int Month)>();

        // When the developer merges is planned first, so that a day's suggestions know the pull request they go into.
        var workingDays = line.WorkingDays().ToList();
        var merges = workingDays
            .Select(day => random.NextDouble() < habits.PullRequestsPerWeek / 5 ? new PlannedMerge(line.At(day, 10, 17), line.NextId("pr")) : null)
            .ToList();

        for (var d = 0; d < workingDays.Count; d++)
        {
            var day = workingDays[d];
            Spend(line, developer, day);
            Suggest(line, developer, day, accepted => merges.Skip(d).Take(SuggestionToMergeDays + 1).FirstOrDefault(m => m is not null && m.At >= accepted));

            if (merges[d] is { } merge)
            {
                var reviewer = colleagues[random.Next(colleagues.Count)];
                // Now and then a second colleague reviews too.
                List<string> reviewers = colleagues.Count > 1 && random.NextDouble() < 0.2 ? [reviewer, Other(colleagues, reviewer, random)] : [reviewer];
                // The pull request holds the accepted suggestions and the developer's own code around them.
                var linesAdded = Math.Max(random.Next(15, 400), merge.SuggestedLines + random.Next(5, 60));
                var linesDeleted = random.Next(0, 120);
                var aiAssisted = random.NextDouble() < habits.AiAssistedShare;
                line.PrMerged(developer, merge.At, reviewers, linesAdded, linesDeleted, aiAssisted, merge.PrId);
                if (aiAssisted)
                {
                    // An honest developer's word is backed by what a real organisation records.
                    GenuineWork.CoAuthored(line, developer, merge.At, merge.PrId);
                }

                foreach (var colleague in reviewers)
                {
                    // A colleague approves at most one of the developer's pull requests a month. Real teams spread
                    // their reviews; five or more approvals each way inside one small team in 90 days is what the
                    // review-ring detector looks for, and an honest team should not look like a ring.
                    if (random.NextDouble() < 0.8 && approvedInMonth.Add((colleague, day.Year, day.Month)))
                    {
                        line.ReviewApproved(colleague, merge.At.AddMinutes(-random.Next(5, 240)), developer, merge.PrId);
                    }
                }

                // About one merge in thirty turns out wrong and is reverted the next day.
                if (random.NextDouble() < 1.0 / 30)
                {
                    line.PrReverted(developer, line.Clamp(merge.At.AddHours(random.Next(12, 36))), merge.PrId);
                }
            }

            if (random.NextDouble() < habits.ReviewsPerWeek / 5)
            {
                // The developer approves a colleague's pull request, which is merged a little later.
                var author = colleagues[random.Next(colleagues.Count)];
                var merged = line.At(day, 10, 17);
                var prId = line.NextId("pr");
                line.ReviewApproved(developer, merged.AddMinutes(-random.Next(10, 120)), author, prId);
                line.PrMerged(author, merged, [developer], random.Next(10, 300), random.Next(0, 80), prId: prId);
            }
        }

        var team = line.Team();
        List<SimulatedEmployee> employees =
        [
            new(developer, $"{team} Developer", Team: team),
            .. colleagues.Select((id, i) => new SimulatedEmployee(id, $"{team} Colleague {i + 1}", Team: team)),
        ];
        return line.Finish(name, farming: false, employees);
    }

    private void Spend(Timeline line, string developer, DateTime day)
    {
        var random = line.Random;
        for (var i = random.Next(1, 3); i > 0; i--)
        {
            line.Tokens(developer, line.At(day), (long)(habits.TokensPerDay * (0.3 + (random.NextDouble() * 0.7))));
        }

        for (var i = random.Next(1, 5); i > 0; i--)
        {
            line.Prompt(developer, line.At(day), random.Next(150, 2500));
        }
    }

    /// <summary>
    /// Suggestions arrive through the working day; a share is accepted seconds later, into the pull request the
    /// developer merges next if that is soon, and a few of those are deleted again.
    /// </summary>
    private void Suggest(Timeline line, string developer, DateTime day, Func<DateTimeOffset, PlannedMerge?> mergeAfter)
    {
        var random = line.Random;
        var shown = habits.SuggestionsShownPerDay == 0 ? 0 : random.Next(habits.SuggestionsShownPerDay / 2, habits.SuggestionsShownPerDay + 1);
        for (var i = 0; i < shown; i++)
        {
            var at = line.At(day);
            var lines = random.Next(1, 14);
            var language = line.Language();
            var suggestion = line.SuggestionShown(developer, at, lines, language);
            if (random.NextDouble() < habits.AcceptRate)
            {
                var accepted = line.Clamp(at.AddSeconds(random.Next(2, 40)));
                var merge = mergeAfter(accepted);
                merge?.SuggestedLines += lines;
                line.SuggestionAccepted(developer, accepted, suggestion, lines, language, merge?.PrId);
                if (random.NextDouble() < 0.05)
                {
                    line.SuggestionDiscarded(developer, line.Clamp(accepted.AddMinutes(random.Next(2, 180))), suggestion);
                }
            }
        }
    }

    private static string Other(List<string> colleagues, string than, Random random)
    {
        var others = colleagues.Where(c => c != than).ToList();
        return others[random.Next(others.Count)];
    }

    /// <summary>A pull request the developer will merge: when, its id, and how many accepted suggested lines it holds.</summary>
    private sealed class PlannedMerge(DateTimeOffset at, string prId)
    {
        public DateTimeOffset At { get; } = at;

        public string PrId { get; } = prId;

        public int SuggestedLines { get; set; }
    }
}
