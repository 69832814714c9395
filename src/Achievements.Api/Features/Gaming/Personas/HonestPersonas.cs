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
/// the developer's own now and then.
/// </summary>
internal sealed class HonestPersona(string name, WorkHabits habits, int peers = 2) : IPersona
{
    public string Name => name;

    public bool Farming => false;

    public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random)
    {
        var line = new Timeline(idPrefix, now, days, random);
        var developer = line.Employee("dev");
        var colleagues = Enumerable.Range(1, peers).Select(n => line.Employee($"peer-{n}")).ToList();
        var approvedInMonth = new HashSet<(string Colleague, int Year, int Month)>();

        foreach (var day in line.WorkingDays())
        {
            Spend(line, developer, day);
            Suggest(line, developer, day);

            if (random.NextDouble() < habits.PullRequestsPerWeek / 5)
            {
                var merged = line.At(day, 10, 17);
                var reviewer = colleagues[random.Next(colleagues.Count)];
                // Now and then a second colleague reviews too.
                List<string> reviewers = random.NextDouble() < 0.2 ? [reviewer, .. colleagues.Where(c => c != reviewer).Take(1)] : [reviewer];
                var prId = line.PrMerged(developer, merged, reviewers, random.Next(15, 400), random.Next(0, 120),
                    aiAssisted: random.NextDouble() < habits.AiAssistedShare);
                // A colleague approves at most one of the developer's pull requests a month. Real teams spread
                // their reviews; five or more approvals each way inside one small team in 90 days is what the
                // review-ring detector looks for, and an honest team should not look like a ring.
                if (random.NextDouble() < 0.8 && approvedInMonth.Add((reviewer, day.Year, day.Month)))
                {
                    line.ReviewApproved(reviewer, merged.AddMinutes(-random.Next(5, 240)), developer, prId);
                }

                // About one merge in thirty turns out wrong and is reverted the next day.
                if (random.NextDouble() < 1.0 / 30)
                {
                    line.PrReverted(developer, line.Clamp(merged.AddHours(random.Next(12, 36))), prId);
                }
            }

            if (random.NextDouble() < habits.ReviewsPerWeek / 5)
            {
                // The developer reviews a colleague's pull request, which is merged a little later.
                var author = colleagues[random.Next(colleagues.Count)];
                var approved = line.At(day, 9, 16);
                var prId = line.NextId("pr");
                line.ReviewApproved(developer, approved, author, prId);
                line.PrMerged(author, line.Clamp(approved.AddMinutes(random.Next(10, 120))), [developer], random.Next(10, 300), random.Next(0, 80),
                    prId: prId);
            }
        }

        List<SimulatedEmployee> employees =
        [
            new(developer, $"{Title(idPrefix)} Developer"),
            .. colleagues.Select((id, i) => new SimulatedEmployee(id, $"{Title(idPrefix)} Colleague {i + 1}")),
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

    /// <summary>Suggestions arrive through the working day; a share is accepted seconds later, and a few of those deleted again.</summary>
    private void Suggest(Timeline line, string developer, DateTime day)
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
                line.SuggestionAccepted(developer, accepted, suggestion, lines, language);
                if (random.NextDouble() < 0.05)
                {
                    line.SuggestionDiscarded(developer, line.Clamp(accepted.AddMinutes(random.Next(2, 180))), suggestion);
                }
            }
        }
    }

    private static string Title(string idPrefix) =>
        string.Join(' ', idPrefix.Split('-', '_', '.').Where(part => part.Length > 0).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
