namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>
/// Ships genuine pull requests, each reviewed and approved by a teammate, calls every one of them AI-assisted with no
/// evidence behind the word, and lets a trickle of 2,000 gateway tokens a week through: Frugal Builder divides
/// AI-assisted merges by spend, so a label that costs nothing and a spend that is almost nothing would make the most
/// frugal builder of all. The trickle is the farming; the merges are real work. Stopped by attribution by evidence:
/// a posted <c>ai_assisted</c> is only a claim (<c>ai_claimed</c>), and without an accepted suggestion that shipped or an
/// <c>ai.evidence</c> event no merge is AI-assisted, so the badge's five AI-assisted merges are never there.
/// </summary>
internal sealed class LabelFarmer : FarmingPersona
{
    /// <summary>Tokens the gateway measures each week: enough to be measured, far too few for real AI help.</summary>
    public const int TokensPerWeek = 2_000;

    public override string Name => "label-farmer";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var farmer = line.Employee("dev");
        var colleagues = Enumerable.Range(1, 4).Select(n => line.Employee($"peer-{n}")).ToList();
        var week = -1;
        foreach (var day in line.WorkingDays())
        {
            var thisWeek = System.Globalization.ISOWeek.GetWeekOfYear(day);
            if (thisWeek != week)
            {
                week = thisWeek;
                using var farming = line.Farming();
                line.Tokens(farmer, line.At(day), TokensPerWeek);
            }

            // About one reviewed pull request a week, of ordinary size, labelled AI-assisted and nothing more.
            if (line.Random.NextDouble() < 0.2)
            {
                GenuineWork.ReviewedMerge(line, farmer, line.At(day, 10, 17), GenuineWork.Reviewers(line.Random, colleagues), aiAssisted: true);
            }
        }

        return [Person(farmer, "Label Farmer"), .. colleagues.Select((id, i) => Bystander(id, $"Label Farmer's Colleague {i + 1}"))];
    }
}

/// <summary>
/// Ordinary work on ordinary working days, planned once for a slicer and its control alike: 3 to 4 pieces a day of 6 to
/// 8 lines each. The same random seed gives the slicer and its control the very same calendar and lines: the plan is
/// the first thing either draws.
/// </summary>
internal static class SlicedWork
{
    /// <summary>One working day's pieces, each (added, deleted).</summary>
    public sealed record Day(DateTime Date, IReadOnlyList<(int Added, int Deleted)> Pieces);

    public static List<Day> Plan(Timeline line) =>
        [.. line.WorkingDays().ToList().Select(date => new Day(date, [.. Enumerable.Range(0, line.Random.Next(3, 5)).Select(_ => Piece(line.Random))]))];

    /// <summary>The plan's days by ISO week, oldest first: what the control ships as one pull request.</summary>
    public static IEnumerable<IReadOnlyList<Day>> Weeks(IEnumerable<Day> plan) =>
        plan.GroupBy(day => (System.Globalization.ISOWeek.GetYear(day.Date), System.Globalization.ISOWeek.GetWeekOfYear(day.Date))).Select(week => (IReadOnlyList<Day>)[.. week]);

    /// <summary>
    /// A pull request of <paramref name="author"/> reviewed by one teammate (now and then two), each approving it
    /// between five minutes and four hours before it merges.
    /// </summary>
    public static void Ship(Timeline line, string author, DateTimeOffset merged, IReadOnlyList<string> teammates, int added, int deleted)
    {
        var reviewers = GenuineWork.Reviewers(line.Random, teammates);
        var prId = line.PrMerged(author, merged, reviewers, added, deleted);
        foreach (var reviewer in reviewers)
        {
            line.ReviewApproved(reviewer, merged.AddMinutes(-line.Random.Next(5, 241)), author, prId);
        }
    }

    public static List<string> Teammates(Timeline line) => [.. Enumerable.Range(1, 4).Select(n => line.Employee($"peer-{n}"))];

    private static (int Added, int Deleted) Piece(Random random)
    {
        var total = random.Next(6, 9);
        var deleted = random.Next(0, 3);
        return (total - deleted, deleted);
    }
}

/// <summary>
/// Ships ordinary, genuinely reviewed work cut into 3 to 4 pull requests a working day of 6 to 8 lines each, reviewed
/// by four teammates in turn as an honest team reviews: seventeen pull requests a week where its control
/// (<see cref="SlicerControl"/>) ships the same lines as one. Every line and every review is real, so nothing is
/// marked farmed (the gate's counterfactual, which drops farmed events, has nothing to drop, and judges the slicer
/// by what it earns); what is gamed is how the work is cut. Stopped by units of work: a run of merges less than 72
/// hours apart counts once per 80 lines of substance, so the slices count about as often as the control's one pull
/// request a week; the simulation shows both side by side. Its teammates are bystanders: honest reviewers of real work.
/// </summary>
internal sealed class Slicer : FarmingPersona
{
    public override string Name => "slicer";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var slicer = line.Employee("dev");
        var teammates = SlicedWork.Teammates(line);
        foreach (var day in SlicedWork.Plan(line))
        {
            foreach (var ((added, deleted), at) in day.Pieces.Zip(day.Pieces.Select(_ => line.At(day.Date, 10, 17)).Order()))
            {
                SlicedWork.Ship(line, slicer, at, teammates, added, deleted);
            }
        }

        return [Person(slicer, "Slicer"), .. teammates.Select((id, i) => Bystander(id, $"Slicer's Colleague {i + 1}"))];
    }
}

/// <summary>
/// The slicer's control: the very same lines (with the same seed, the same calendar and pieces) shipped as one reviewed
/// pull request a week, on the week's last working day. Honest: whatever units of work decide, the slicer must not
/// earn more from the same lines than this.
/// </summary>
internal sealed class SlicerControl : IPersona
{
    public string Name => "slicer-control";

    public bool Farming => false;

    public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random)
    {
        var line = new Timeline(idPrefix, now, days, random);
        var developer = line.Employee("dev");
        var teammates = SlicedWork.Teammates(line);
        foreach (var week in SlicedWork.Weeks(SlicedWork.Plan(line)))
        {
            var pieces = week.SelectMany(day => day.Pieces).ToList();
            SlicedWork.Ship(line, developer, line.At(week[^1].Date, 10, 17), teammates, pieces.Sum(p => p.Added), pieces.Sum(p => p.Deleted));
        }

        var team = line.Team();
        return line.Finish(Name, farming: false,
            [new(developer, $"{team} Developer", Team: team), .. teammates.Select((id, i) => new SimulatedEmployee(id, $"{team} Colleague {i + 1}", Team: team))]);
    }
}
