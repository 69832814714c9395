namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>
/// Farms aimed at how independence is judged: each gets its merges vouched for by approvers who are not independent
/// of it, in a way that the shape of a small review graph and fixed shares do not see. Unlike the first farming
/// personas, their colleagues are not passive: the honest people around a farm (its bystanders) ship real work and
/// review each other's, as the honest teams do, and no defence may flag or hold them.
/// </summary>
internal abstract class IndependenceFarmingPersona : FarmingPersona
{
    /// <summary>Teams across the company, one per member or patron.</summary>
    protected static readonly string[] TeamNames = ["Payments", "Search", "Mobile", "Infrastructure", "Data", "Web", "Identity", "Billing", "Growth", "Platform"];

    /// <summary>Everyone on <paramref name="team"/> but <paramref name="author"/>: who reviews the author's work.</summary>
    protected static List<string> Others(IEnumerable<string> team, string author) => [.. team.Where(id => id != author)];

    /// <summary>
    /// A farmer's day of real work on their own team: the farmer ships a little, reviewed by the teammates, and the
    /// teammates (bystanders) ship about one pull request a week each, reviewed by each other and the farmer.
    /// </summary>
    protected static void OwnTeamWorks(Timeline line, DateTime day, string farmer, string[] mates, double farmerPerWeek)
    {
        GenuineWork.Ships(line, day, farmer, mates, farmerPerWeek);
        foreach (var mate in mates)
        {
            GenuineWork.Ships(line, day, mate, Others([farmer, .. mates], mate), perWeek: 1);
        }
    }
}

/// <summary>
/// Eight people on eight teams who wave each other's trivial pull requests through (5 to 20 lines, about four a
/// week each, approved minutes before the merge by another member), and who camouflage it: about a quarter of
/// their approvals go to real, ordinarily sized work of two honest colleagues on their own team. The colleagues are
/// bystanders: they ship about one pull request a week, reviewed by the member or by each other. Members also
/// ship a little real work, reviewed by their colleagues. The trades are the farming.
/// Diluting the <em>given</em> side leaves the received side as it was: almost everything a member receives comes
/// from inside the circle, across team lines. Stopped by received-side independence: a set whose received
/// vouching comes almost entirely from inside it is one voice, however much its members give elsewhere.
/// </summary>
internal sealed class CamouflagedCircle : IndependenceFarmingPersona
{
    private const int Members = 8;

    /// <summary>Trivial pull requests a member merges a working day, each approved by another member: about 200 a year.</summary>
    private const double TradesPerDay = 0.8;

    /// <summary>A third as many approvals of colleagues' real work as of trades: a quarter of each member's approvals.</summary>
    private const double CamouflagePerDay = TradesPerDay / 3;

    public override string Name => "camouflaged-circle";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var random = line.Random;
        var members = Enumerable.Range(1, Members).Select(n => line.Employee($"m{n}")).ToList();
        var teams = Enumerable.Range(0, Members).Select(i => line.Team(TeamNames[i])).ToList();
        var colleagues = Enumerable.Range(1, Members).Select(n => new[] { line.Employee($"m{n}-peer-1"), line.Employee($"m{n}-peer-2") }).ToList();
        foreach (var day in line.WorkingDays())
        {
            for (var i = 0; i < Members; i++)
            {
                var member = members[i];
                using (line.Farming())
                {
                    for (var trade = line.Times(TradesPerDay); trade > 0; trade--)
                    {
                        var mates = Others(members, member);
                        GenuineWork.WavedThrough(line, member, line.At(day, 9, 18), mates[random.Next(mates.Count)], GenuineWork.TrivialSize(random, 5, 20), toMinutes: 15);
                    }
                }

                // The camouflage: a colleague's real pull request, reviewed by the member (and now and then the other colleague too).
                for (var review = line.Times(CamouflagePerDay); review > 0; review--)
                {
                    var author = colleagues[i][random.Next(2)];
                    List<string> reviewers = random.NextDouble() < GenuineWork.SecondReviewer ? [member, Others(colleagues[i], author)[0]] : [member];
                    GenuineWork.ReviewedMerge(line, author, line.At(day, 10, 17), reviewers);
                }

                // The member's own real work, and the colleagues' work that they review for each other.
                GenuineWork.Ships(line, day, member, colleagues[i], perWeek: 0.3);
                foreach (var colleague in colleagues[i])
                {
                    GenuineWork.Ships(line, day, colleague, Others(colleagues[i], colleague), perWeek: 0.6);
                }
            }
        }

        return
        [
            .. members.Select((id, i) => Person(id, $"{TeamNames[i]} Engineer", teams[i])),
            .. colleagues.SelectMany((pair, i) => pair.Select((id, c) => Bystander(id, $"{TeamNames[i]} Colleague {c + 1}", teams[i]))),
        ];
    }
}

/// <summary>
/// A farmer fed by several friendly approvers (patrons), each on another team: three to five trivial pull requests
/// a working day (5 to 20 lines), each approved minutes before it merges by one of the patrons, its only reviewer.
/// That is the farming. Besides, every patron reviews and ships real work inside their own team of three, the farmer
/// ships a little reviewed by its two teammates, and all those teammates are bystanders who ship and review too.
/// With one reviewer one voice, each patron adds a voice: three patrons carry the farmer past the second tier.
/// Stopped by concentration: a reviewer whose vouching goes mostly to one author is part of that author's voice,
/// however many such reviewers there are.
/// </summary>
internal sealed class PatronFarmer(int patrons) : IndependenceFarmingPersona
{
    public override string Name => $"patron-farmer-{patrons}";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var random = line.Random;
        var farmer = line.Employee("dev");
        var farmTeam = line.Team("Checkout");
        string[] farmMates = [line.Employee("peer-1"), line.Employee("peer-2")];
        var patronIds = Enumerable.Range(1, patrons).Select(n => line.Employee($"patron-{n}")).ToList();
        var patronTeams = Enumerable.Range(1, patrons).Select(n => new[] { patronIds[n - 1], line.Employee($"patron-{n}-peer-1"), line.Employee($"patron-{n}-peer-2") }).ToList();
        foreach (var day in line.WorkingDays())
        {
            using (line.Farming())
            {
                for (var i = random.Next(3, 6); i > 0; i--)
                {
                    GenuineWork.WavedThrough(line, farmer, line.At(day, 9, 18), patronIds[random.Next(patronIds.Count)], GenuineWork.TrivialSize(random, 5, 20));
                }
            }

            OwnTeamWorks(line, day, farmer, farmMates, farmerPerWeek: 0.4);

            foreach (var team in patronTeams)
            {
                foreach (var person in team)
                {
                    GenuineWork.Ships(line, day, person, Others(team, person), perWeek: person == team[0] ? 0.8 : 1);
                }
            }
        }

        return
        [
            Person(farmer, "Patron-Fed Farmer", farmTeam),
            .. farmMates.Select((id, i) => Bystander(id, $"Patron-Fed Farmer's Teammate {i + 1}", farmTeam)),
            .. patronTeams.SelectMany((team, p) => team.Select((id, i) => i == 0
                ? Person(id, $"Patron {p + 1}", line.Team(TeamNames[p]))
                : Bystander(id, $"Patron {p + 1}'s Teammate {i}", line.Team(TeamNames[p])))),
        ];
    }
}

/// <summary>
/// A farmer whose ordinarily sized pull requests (one to three a working day) are approved by accounts that are not
/// people: names that appear only in <c>reviewers</c> and as approvals' actors, which a source's events would create
/// as bare accounts and no authority put in the directory (<see cref="SimulatedEmployee.InDirectory"/> false). With
/// several, they take turns. The phantoms' approvals and the merges they vouch for are the farming; the farmer's
/// little real work is reviewed by its two teammates, bystanders who ship and review each other's work too.
/// Stopped by "only people vouch": an account that a source merely named is no voice, whatever it approves.
/// </summary>
internal sealed class PhantomReviewers(int phantoms) : IndependenceFarmingPersona
{
    public override string Name => $"phantom-reviewers-{phantoms}";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var random = line.Random;
        var farmer = line.Employee("dev");
        var team = line.Team("Apps");
        string[] mates = [line.Employee("peer-1"), line.Employee("peer-2")];
        var ghosts = Enumerable.Range(1, phantoms).Select(n => line.Employee($"gh-reviewer-{n}")).ToList();
        var turn = 0;
        foreach (var day in line.WorkingDays())
        {
            using (line.Farming())
            {
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    // Ordinary work in size, so that only who vouched for it is wrong.
                    GenuineWork.WavedThrough(line, farmer, line.At(day, 9, 18), ghosts[turn++ % ghosts.Count], GenuineWork.OrdinarySize(random), fromMinutes: 5, toMinutes: 60);
                }
            }

            OwnTeamWorks(line, day, farmer, mates, farmerPerWeek: 0.5);
        }

        return
        [
            Person(farmer, "Phantom-Reviewed Farmer", team),
            .. mates.Select((id, i) => Bystander(id, $"Phantom-Reviewed Farmer's Teammate {i + 1}", team)),
            .. ghosts.Select((id, i) => new SimulatedEmployee(id, $"reviewer-{i + 1}", InDirectory: false)),
        ];
    }
}

/// <summary>
/// A whole team of five on one directory team mass-producing trivial pull requests: three to six a working day each
/// (5 to 15 lines), each waved through by a teammate within minutes. That is the farming; each member also ships
/// about a pull request every week and a half of ordinary work, reviewed by teammates. Every approval is by a
/// teammate, which is normal, so closure says nothing here. Stopped by substance and rate: the team's pull-request
/// rate, size and time from approval to merge are far outside the organisation's own distribution.
/// </summary>
internal sealed class TeamFarm : IndependenceFarmingPersona
{
    private const int Members = 5;

    public override string Name => "team-farm";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var random = line.Random;
        var team = line.Team();
        var members = Enumerable.Range(1, Members).Select(n => line.Employee($"m{n}")).ToList();
        foreach (var day in line.WorkingDays())
        {
            foreach (var member in members)
            {
                var mates = Others(members, member);
                using (line.Farming())
                {
                    for (var i = random.Next(3, 7); i > 0; i--)
                    {
                        GenuineWork.WavedThrough(line, member, line.At(day, 9, 18), mates[random.Next(mates.Count)], GenuineWork.TrivialSize(random, 5, 15));
                    }
                }

                GenuineWork.Ships(line, day, member, mates, perWeek: 0.7);
            }
        }

        return [.. members.Select((id, i) => Person(id, $"Team Farm Member {i + 1}", team))];
    }
}
