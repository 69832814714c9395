namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>
/// A farming persona is a strategy for badges without the work. Each one below is written against a
/// specific defence; the comment on each says which one should stop it. Most of their colleagues are passive:
/// they are named as reviewers but send nothing, so anything the run earns is the farmer's doing. Colleagues who
/// do real work beside a farmer are <see cref="Bystander"/>s: honest people, whom no defence may flag or hold.
/// Every persona marks its farming (<see cref="Timeline.Farming"/>); what it writes outside that is genuine
/// work, which may earn what it earns on its own.
/// </summary>
internal abstract class FarmingPersona : IPersona
{
    public abstract string Name { get; }

    public bool Farming => true;

    public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random)
    {
        var line = new Timeline(idPrefix, now, days, random);
        var employees = Play(line);
        return line.Finish(Name, farming: true, employees);
    }

    /// <summary>Writes the run's events and returns its employees, the farmer(s) first.</summary>
    protected abstract IReadOnlyList<SimulatedEmployee> Play(Timeline line);

    protected static SimulatedEmployee Person(string id, string displayName, string? team = null) => new(id, displayName, Team: team);

    /// <summary>An honest colleague in the run who does only genuine work: counted among the honest people, whom no defence may flag or hold.</summary>
    protected static SimulatedEmployee Bystander(string id, string displayName, string? team = null) => new(id, displayName, Team: team, Bystander: true);

    /// <summary>Picks <paramref name="count"/> working days spread evenly over the run, so that no two fall in consecutive weeks when the run is long enough.</summary>
    protected static List<DateTime> Spread(Timeline line, int count)
    {
        var days = line.WorkingDays(daysOff: 0).ToList();
        if (days.Count == 0)
        {
            return [];
        }

        return [.. Enumerable.Range(0, count).Select(i => days[(int)((i + 0.5) * days.Count / count)])];
    }
}

/// <summary>Millions of tokens and thousands of prompts, two merged pull requests. Tokens are volume: they never count.</summary>
internal sealed class TokenBurner : FarmingPersona
{
    public override string Name => "token-burner";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var burner = line.Employee("dev");
        var peer = line.Employee("peer-1");
        foreach (var day in line.WorkingDays())
        {
            using var farming = line.Farming();
            for (var i = line.Random.Next(5, 16); i > 0; i--)
            {
                line.Tokens(burner, line.At(day, 7, 22), line.Random.Next(100_000, 400_000));
            }

            for (var i = line.Random.Next(10, 30); i > 0; i--)
            {
                line.Prompt(burner, line.At(day, 7, 22), line.Random.Next(2_000, 30_000));
            }
        }

        // The two reviewed merges are real work.
        foreach (var day in Spread(line, 2))
        {
            line.PrMerged(burner, line.At(day, 10, 17), [peer], line.Random.Next(20, 200), line.Random.Next(0, 40), aiAssisted: true);
        }

        return [Person(burner, "Token Burner"), Person(peer, "Token Burner's Colleague")];
    }
}

/// <summary>Endless prompts and suggestions shown, nothing accepted, nothing shipped: all volume, no outcome.</summary>
internal sealed class PromptSpammer : FarmingPersona
{
    public override string Name => "prompt-spammer";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var spammer = line.Employee("dev");
        using var farming = line.Farming();
        foreach (var day in line.WorkingDays())
        {
            for (var i = line.Random.Next(20, 45); i > 0; i--)
            {
                line.Prompt(spammer, line.At(day, 8, 20), line.Random.Next(500, 8_000));
            }

            for (var i = line.Random.Next(8, 20); i > 0; i--)
            {
                line.SuggestionShown(spammer, line.At(day, 8, 20), line.Random.Next(1, 30), line.Language());
            }
        }

        return [Person(spammer, "Prompt Spammer")];
    }
}

/// <summary>Many pull requests whose only reviewer is the author, approved by the author too. Stopped by independent review.</summary>
internal sealed class SelfMerger : FarmingPersona
{
    public override string Name => "self-merger";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var merger = line.Employee("dev");
        using var farming = line.Farming();
        foreach (var day in line.WorkingDays())
        {
            if (line.Random.NextDouble() < 0.6)
            {
                var at = line.At(day, 10, 17);
                var prId = line.PrMerged(merger, at, [merger], line.Random.Next(20, 300), line.Random.Next(0, 60));
                line.ReviewApproved(merger, at.AddMinutes(-line.Random.Next(1, 30)), merger, prId);
            }
        }

        return [Person(merger, "Self Merger")];
    }
}

/// <summary>Pull requests of one or two lines, each reviewed by a colleague. Stopped by the non-trivial condition.</summary>
internal sealed class TrivialSplitter : FarmingPersona
{
    public override string Name => "trivial-splitter";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var splitter = line.Employee("dev");
        var peer = line.Employee("peer-1");
        using var farming = line.Farming();
        foreach (var day in line.WorkingDays())
        {
            for (var i = line.Random.Next(2, 6); i > 0; i--)
            {
                line.PrMerged(splitter, line.At(day, 9, 18), [peer], linesAdded: 1, linesDeleted: line.Random.Next(0, 2));
            }
        }

        return [Person(splitter, "Trivial Splitter"), Person(peer, "Trivial Splitter's Colleague")];
    }
}

/// <summary>
/// Merges that are reverted within hours, re-merged under a new id and reverted again. Corrections remove
/// every reverted merge; only three merges in the whole run stick, and they are weeks apart. Those three are
/// the genuine work; every merge that is reverted, and its revert, is the farming.
/// </summary>
internal sealed class RevertAndRemerge : FarmingPersona
{
    private const int Sticking = 3;

    public override string Name => "revert-and-remerge";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var reverter = line.Employee("dev");
        var peer = line.Employee("peer-1");
        // One change every two weeks, each merged and reverted two or three times over.
        var changes = Spread(line, Math.Max(Sticking + 1, line.WorkingDays(daysOff: 0).Count() / 10));
        var sticking = Enumerable.Range(1, Sticking).Select(i => i * changes.Count / (Sticking + 1)).ToHashSet();
        for (var change = 0; change < changes.Count; change++)
        {
            var at = line.At(changes[change], 9, 12);
            var attempts = line.Random.Next(2, 4);
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                var sticks = attempt == attempts && sticking.Contains(change);
                using var farming = sticks ? null : line.Farming();
                var prId = line.PrMerged(reverter, line.Clamp(at), [peer], line.Random.Next(30, 200), line.Random.Next(0, 30));
                if (!sticks)
                {
                    line.PrReverted(reverter, line.Clamp(at.AddMinutes(line.Random.Next(20, 240))), prId);
                }

                at = at.AddHours(line.Random.Next(5, 20));
            }
        }

        return [Person(reverter, "Revert And Remerge"), Person(peer, "Revert And Remerge's Colleague")];
    }
}

/// <summary>Accepts suggestion after suggestion and deletes each within minutes. Corrections remove every one.</summary>
internal sealed class AcceptThenDiscard : FarmingPersona
{
    public override string Name => "accept-then-discard";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var farmer = line.Employee("dev");
        using var farming = line.Farming();
        foreach (var day in line.WorkingDays())
        {
            for (var i = line.Random.Next(8, 20); i > 0; i--)
            {
                var at = line.At(day);
                var lines = line.Random.Next(5, 30);
                var language = line.Language();
                var suggestion = line.SuggestionShown(farmer, at, lines, language);
                var accepted = line.Clamp(at.AddSeconds(line.Random.Next(2, 20)));
                line.SuggestionAccepted(farmer, accepted, suggestion, lines, language);
                line.SuggestionDiscarded(farmer, line.Clamp(accepted.AddMinutes(line.Random.Next(1, 10))), suggestion);
            }
        }

        return [Person(farmer, "Accept Then Discard")];
    }
}

/// <summary>
/// Three people who approve each other's pull requests and review each other's merges. Each approval is
/// individually valid, so the counting policy lets them through; the review-ring detector must flag and hold.
/// </summary>
internal sealed class ReviewRing : FarmingPersona
{
    // Fewer merges than merge-master's bronze threshold, weeks apart: the ring farms reviews, not merges.
    private const int MergesPerMember = 8;

    public override string Name => "review-ring";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        string[] members = [line.Employee("a"), line.Employee("b"), line.Employee("c")];
        string[] outsiders = [line.Employee("peer-1"), line.Employee("peer-2")];
        // Everything the ring writes is the trade, the approvals of outsiders' pull requests that never merge included.
        using var farming = line.Farming();
        var approvals = new int[members.Length];
        foreach (var day in line.WorkingDays())
        {
            for (var m = 0; m < members.Length; m++)
            {
                if (line.Random.NextDouble() >= 0.28)
                {
                    continue;
                }

                // Every tenth approval goes outside the ring, so about 90% stay in it.
                var author = ++approvals[m] % 10 == 0
                    ? outsiders[line.Random.Next(outsiders.Length)]
                    : members[(m + 1 + line.Random.Next(members.Length - 1)) % members.Length];
                line.ReviewApproved(members[m], line.At(day), author);
            }
        }

        for (var m = 0; m < members.Length; m++)
        {
            var mates = members.Where(x => x != members[m]).ToList();
            foreach (var day in Spread(line, Math.Min(MergesPerMember, Math.Max(1, line.WorkingDays(daysOff: 0).Count() / 30))))
            {
                var merged = line.At(day, 11, 17);
                var prId = line.PrMerged(members[m], merged, mates, line.Random.Next(20, 250), line.Random.Next(0, 50));
                foreach (var mate in mates)
                {
                    line.ReviewApproved(mate, merged.AddMinutes(-line.Random.Next(5, 90)), members[m], prId);
                }
            }
        }

        // Each on a team of their own: three people on one team reviewing each other is what a team does, and no shape
        // of their approvals tells them from an honest team; across team lines, what they receive comes from each other.
        return
        [
            .. members.Select((id, i) => Person(id, $"Ring Member {(char)('A' + i)}", $"Ring Team {(char)('A' + i)}")),
            .. outsiders.Select((id, i) => Person(id, $"Ring Outsider {i + 1}")),
        ];
    }
}

/// <summary>An account flagged as a bot that merges and approves like a diligent developer. Bots never count.</summary>
internal sealed class BotAccount : FarmingPersona
{
    public override string Name => "bot-account";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var bot = line.Employee("bot");
        string[] peers = [line.Employee("peer-1"), line.Employee("peer-2")];
        using var farming = line.Farming();
        foreach (var day in line.WorkingDays(daysOff: 0))
        {
            for (var i = line.Random.Next(1, 3); i > 0; i--)
            {
                line.PrMerged(bot, line.At(day, 0, 24), [peers[line.Random.Next(peers.Length)]], line.Random.Next(10, 200), line.Random.Next(0, 40), aiAssisted: true);
            }

            for (var i = line.Random.Next(1, 3); i > 0; i--)
            {
                line.ReviewApproved(bot, line.At(day, 0, 24), peers[line.Random.Next(peers.Length)]);
            }
        }

        return [new SimulatedEmployee(bot, "Dependency Bot", IsBot: true), .. peers.Select((id, i) => Person(id, $"Bot Owner {i + 1}"))];
    }
}

/// <summary>
/// Bursts of 25 or more accepted suggestions inside five minutes, several times a week, with a high accept
/// ratio. Each event counts on its own; the burst detector must flag and hold. The bursts are the farming; the
/// few suggestions between them are genuine.
/// </summary>
internal sealed class BurstFarmer : FarmingPersona
{
    public override string Name => "burst-farmer";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var farmer = line.Employee("dev");
        foreach (var day in line.WorkingDays())
        {
            if (line.Random.NextDouble() < 0.65)
            {
                using var farming = line.Farming();
                var start = line.At(day, 9, 17);
                var burst = line.Random.Next(25, 41);
                for (var i = 0; i < burst; i++)
                {
                    // At most 40 in four minutes: a suggestion shown and accepted every six seconds.
                    Accept(line, farmer, start.AddSeconds(i * 6), accept: line.Random.NextDouble() < 0.92);
                }
            }

            for (var i = line.Random.Next(0, 4); i > 0; i--)
            {
                Accept(line, farmer, line.At(day), accept: line.Random.NextDouble() < 0.5);
            }
        }

        return [Person(farmer, "Burst Farmer")];
    }

    private static void Accept(Timeline line, string farmer, DateTimeOffset at, bool accept)
    {
        at = line.Clamp(at);
        var lines = line.Random.Next(1, 12);
        var language = line.Language();
        var suggestion = line.SuggestionShown(farmer, at, lines, language);
        if (accept)
        {
            line.SuggestionAccepted(farmer, line.Clamp(at.AddSeconds(2)), suggestion, lines, language);
        }
    }
}

/// <summary>
/// A handful of real reviewed pull requests, each posted many times under the same event id. Replays are duplicates.
/// The first post of each is genuine work, every copy after it the farming.
/// </summary>
internal sealed class Replayer : FarmingPersona
{
    private const int PullRequests = 6;

    public override string Name => "replayer";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var replayer = line.Employee("dev");
        var peer = line.Employee("peer-1");
        foreach (var day in Spread(line, PullRequests))
        {
            var at = line.At(day, 10, 17);
            var eventId = line.NextId("ev");
            var merged = new Dictionary<string, object?>
            {
                ["pr_id"] = line.NextId("pr"),
                ["repo"] = line.Repo(),
                ["lines_added"] = line.Random.Next(20, 300),
                ["lines_deleted"] = line.Random.Next(0, 60),
                ["merged_by"] = peer,
                ["reviewers"] = new[] { peer },
            };
            line.Add("pr.merged", replayer, at, merged, eventId);
            // The same event, byte for byte, posted again and again.
            using var farming = line.Farming();
            for (var copy = line.Random.Next(19, 59); copy > 0; copy--)
            {
                line.Add("pr.merged", replayer, at, merged, eventId);
            }
        }

        return [Person(replayer, "Replayer"), Person(peer, "Replayer's Colleague")];
    }
}

/// <summary>
/// An AI agent left looping in a scratch folder with every edit auto-accepted: about sixty two-line suggestions a
/// day, each shown and accepted a second later, none discarded, none in a pull request, nothing merged. Each is a
/// valid accepted suggestion, under the daily cap, and they are spread over the day too thinly for the burst
/// detector. All of it is the farming. Stopped once an accepted suggestion counts only inside a pull request its
/// author merged: what an editor plugin reports about its own user describes counted work, never adds to it.
/// </summary>
internal sealed class AgentLoop : FarmingPersona
{
    public override string Name => "agent-loop";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var owner = line.Employee("dev");
        using var farming = line.Farming();
        foreach (var day in line.WorkingDays())
        {
            // The owner starts it in the morning and stops it at night; it stays in one folder, in one language.
            var language = line.Language();
            for (var i = line.Random.Next(50, 71); i > 0; i--)
            {
                var at = line.At(day, 8, 20);
                var suggestion = line.SuggestionShown(owner, at, 2, language);
                line.SuggestionAccepted(owner, line.Clamp(at.AddSeconds(line.Random.Next(1, 4))), suggestion, 2, language);
            }
        }

        return [Person(owner, "Agent Loop")];
    }
}

/// <summary>
/// Approves a dozen pull requests a day, of four colleagues, that never merge: approval as a click, not a review.
/// Each approval is of someone else's pull request, under the daily cap, and one-sided, so no ring detector sees it;
/// those are the farming. About twice a month it really reviews a colleague's pull request, which then merges with
/// it as reviewer: genuine. Stopped once an approval counts only when the pull request it approves merged after it
/// and settled.
/// </summary>
internal sealed class RubberStamper : FarmingPersona
{
    public override string Name => "rubber-stamper";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var stamper = line.Employee("dev");
        var colleagues = Enumerable.Range(1, 4).Select(n => line.Employee($"peer-{n}")).ToList();
        foreach (var day in line.WorkingDays())
        {
            using (line.Farming())
            {
                for (var i = line.Random.Next(10, 15); i > 0; i--)
                {
                    // A pull request id of its own each time: none of these is ever merged.
                    line.ReviewApproved(stamper, line.At(day), colleagues[line.Random.Next(colleagues.Count)]);
                }
            }

            if (line.Random.NextDouble() < 0.1)
            {
                var author = colleagues[line.Random.Next(colleagues.Count)];
                var merged = line.At(day, 10, 17);
                var prId = line.NextId("pr");
                line.ReviewApproved(stamper, merged.AddMinutes(-line.Random.Next(20, 180)), author, prId);
                line.PrMerged(author, merged, [stamper], line.Random.Next(20, 300), line.Random.Next(0, 60), prId: prId);
            }
        }

        return [Person(stamper, "Rubber Stamper"), .. colleagues.Select((id, i) => Bystander(id, $"Rubber Stamper's Colleague {i + 1}"))];
    }
}

/// <summary>
/// An agent opens six small pull requests a day for the farmer (5 to 20 lines, AI-assisted, a few thousand tokens
/// each through the gateway), and one friend approves each a few minutes before it merges with the friend as its
/// only reviewer. Every merge is independently reviewed, non-trivial and under the cap, and the approvals run one
/// way, so no ring: the agent's pull requests, their spend and the friend's approvals are the farming. Besides,
/// the pair do a little real work, reviewed and approved by three other colleagues, and the friend reviews theirs.
/// Stopped once one reviewer is one voice: it carries the farmer to a badge's lowest tier, which the pair's genuine
/// work earns on its own, and no further.
/// </summary>
internal sealed class PatronFedFarmer : FarmingPersona
{
    public override string Name => "patron-fed-farmer";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var farmer = line.Employee("dev");
        var friend = line.Employee("friend");
        var colleagues = Enumerable.Range(1, 3).Select(n => line.Employee($"peer-{n}")).ToList();
        var approvedInMonth = new HashSet<(string Colleague, string Author, int Year, int Month)>();
        foreach (var day in line.WorkingDays())
        {
            using (line.Farming())
            {
                for (var i = 0; i < 6; i++)
                {
                    var merged = line.At(day, 8, 20);
                    var size = line.Random.Next(5, 21);
                    var deleted = line.Random.Next(0, Math.Min(size, 6));
                    line.Tokens(farmer, merged.AddMinutes(-line.Random.Next(20, 90)), line.Random.Next(2_000, 12_000));
                    var prId = line.PrMerged(farmer, merged, [friend], size - deleted, deleted, aiAssisted: true);
                    line.ReviewApproved(friend, merged.AddMinutes(-line.Random.Next(2, 10)), farmer, prId);
                }
            }

            // The farmer's own assistant use, and the pair's real pull requests: fewer than one a week each.
            line.Tokens(farmer, line.At(day), line.Random.Next(3_000, 10_000));
            foreach (var author in new[] { farmer, friend })
            {
                if (line.Random.NextDouble() < 0.15)
                {
                    var merged = line.At(day, 10, 17);
                    var reviewer = colleagues[line.Random.Next(colleagues.Count)];
                    List<string> reviewers = line.Random.NextDouble() < 0.3 ? [reviewer, colleagues.First(c => c != reviewer)] : [reviewer];
                    var prId = line.PrMerged(author, merged, reviewers, line.Random.Next(30, 300), line.Random.Next(0, 60),
                        aiAssisted: author == farmer && line.Random.NextDouble() < 0.8);
                    foreach (var colleague in reviewers.Where(c => approvedInMonth.Add((c, author, day.Year, day.Month))))
                    {
                        line.ReviewApproved(colleague, merged.AddMinutes(-line.Random.Next(10, 240)), author, prId);
                    }
                }
            }

            if (line.Random.NextDouble() < 0.2)
            {
                var author = colleagues[line.Random.Next(colleagues.Count)];
                var merged = line.At(day, 10, 17);
                var prId = line.NextId("pr");
                line.ReviewApproved(friend, merged.AddMinutes(-line.Random.Next(10, 120)), author, prId);
                line.PrMerged(author, merged, [friend], line.Random.Next(20, 300), line.Random.Next(0, 60), prId: prId);
            }
        }

        return
        [
            Person(farmer, "Patron-Fed Farmer"),
            Person(friend, "Patron-Fed Farmer's Friend"),
            .. colleagues.Select((id, i) => Bystander(id, $"Patron-Fed Farmer's Colleague {i + 1}")),
        ];
    }
}

/// <summary>
/// People on different teams who approve nothing but each other's pull requests: every pair trades a handful over
/// the year, each approval a few minutes before the merge it approves, with the approver as reviewer. Every event
/// is valid, each member is vouched for by all the others, and the circle is too large and too evenly spread for
/// the review-ring detector (groups of at most six, five approvals each way in 90 days).
/// </summary>
internal abstract class ReviewCircle : FarmingPersona
{
    /// <summary>One team per member, from a directory that spreads them across the company.</summary>
    private static readonly string[] Teams = ["Payments", "Search", "Mobile", "Infrastructure", "Data", "Web", "Identity", "Billing", "Growth", "Platform"];

    protected abstract int Members { get; }

    /// <summary>Whether one merge of a member is reviewed by a colleague outside the circle instead of traded.</summary>
    protected abstract bool ReviewedOutside(Timeline line);

    protected abstract int OutsideColleagues { get; }

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var members = Enumerable.Range(1, Members).Select(n => line.Employee($"m{n}")).ToList();
        var outsiders = Enumerable.Range(1, OutsideColleagues).Select(n => line.Employee($"peer-{n}")).ToList();
        var days = line.WorkingDays(daysOff: 0).ToList();
        foreach (var author in members)
        {
            foreach (var mate in members.Where(m => m != author))
            {
                for (var trade = line.Random.Next(3, 8); trade > 0; trade--)
                {
                    using (line.Farming())
                    {
                        Merge(line, author, mate, days);
                    }

                    if (ReviewedOutside(line))
                    {
                        Merge(line, author, outsiders[line.Random.Next(outsiders.Count)], days);
                    }
                }
            }
        }

        return
        [
            // Teams named after the run too, so that two circles in one organisation are never teammates.
            .. members.Select((id, i) => Person(id, $"{Teams[i]} Engineer", line.Team(Teams[i]))),
            .. outsiders.Select((id, i) => Bystander(id, $"{Name} Outside Colleague {i + 1}")),
        ];
    }

    /// <summary>A pull request of <paramref name="author"/>, approved by <paramref name="reviewer"/> minutes before it merges.</summary>
    private static void Merge(Timeline line, string author, string reviewer, List<DateTime> days)
    {
        var merged = line.At(days[line.Random.Next(days.Count)], 10, 17);
        var prId = line.PrMerged(author, merged, [reviewer], line.Random.Next(20, 300), line.Random.Next(0, 60));
        line.ReviewApproved(reviewer, merged.AddMinutes(-line.Random.Next(5, 90)), author, prId);
    }
}

/// <summary>
/// Ten people on ten teams whose approvals never leave the circle: all of it is the farming. Stopped by a detector
/// of closed circles: approvals that stay inside one group are one voice, however many members it has.
/// </summary>
internal sealed class ClosedCircle : ReviewCircle
{
    public override string Name => "closed-circle";

    protected override int Members => 10;

    protected override int OutsideColleagues => 0;

    protected override bool ReviewedOutside(Timeline line) => false;
}

/// <summary>
/// Eight people across teams who trade approvals like the closed circle but mix in outside review: about one merge
/// in seven (15 %) is reviewed and approved by one of two outside colleagues, and that work is genuine; the trades
/// are the farming. Stopped like the closed circle: the outside review earns what it earns on its own.
/// </summary>
internal sealed class MixedCircle : ReviewCircle
{
    public override string Name => "mixed-circle";

    protected override int Members => 8;

    protected override int OutsideColleagues => 2;

    // One outside review for every 5.7 trades: 15 % of all merges.
    protected override bool ReviewedOutside(Timeline line) => line.Random.NextDouble() < 0.15 / 0.85;
}

/// <summary>
/// Merges AI-assisted pull requests, reviewed and approved by colleagues, and routes its model use around the
/// gateway, so that no tokens.consumed is ever posted: Frugal Builder divides merges by spend, and with none it
/// would be the most frugal builder of all. Nothing it posts is farmed. The farming is what it does not post,
/// which the gate's counterfactual cannot see (without farmed events the run is the same), so the gate judges all
/// of its work genuine. The counting policy stops it instead: Frugal Builder is judged only on spend an
/// authoritative source measured, and without any it is unmeasured.
/// </summary>
internal sealed class TokenHider : FarmingPersona
{
    public override string Name => "token-hider";

    protected override IReadOnlyList<SimulatedEmployee> Play(Timeline line)
    {
        var hider = line.Employee("dev");
        var colleagues = Enumerable.Range(1, 3).Select(n => line.Employee($"peer-{n}")).ToList();
        var approvedInMonth = new HashSet<(string Colleague, int Year, int Month)>();
        foreach (var day in line.WorkingDays())
        {
            // Prompts from the editor plugin: the AI use shows, the spend never does.
            for (var i = line.Random.Next(2, 8); i > 0; i--)
            {
                line.Prompt(hider, line.At(day), line.Random.Next(200, 3_000));
            }

            if (line.Random.NextDouble() < 0.3)
            {
                var merged = line.At(day, 10, 17);
                var reviewer = colleagues[line.Random.Next(colleagues.Count)];
                List<string> reviewers = line.Random.NextDouble() < 0.2 ? [reviewer, colleagues.First(c => c != reviewer)] : [reviewer];
                var prId = line.PrMerged(hider, merged, reviewers, line.Random.Next(20, 300), line.Random.Next(0, 60), aiAssisted: line.Random.NextDouble() < 0.9);
                foreach (var colleague in reviewers.Where(c => approvedInMonth.Add((c, day.Year, day.Month))))
                {
                    line.ReviewApproved(colleague, merged.AddMinutes(-line.Random.Next(10, 240)), hider, prId);
                }
            }
        }

        return [Person(hider, "Token Hider"), .. colleagues.Select((id, i) => Bystander(id, $"Token Hider's Colleague {i + 1}"))];
    }
}
