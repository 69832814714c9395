namespace Achievements.Scoring.Tests;

/// <summary>What evaluation does to an award, given the award as stored and the employee's history now.</summary>
public sealed class AwardingTests
{
    // A badge of counted merges over 90 days: bronze at 3, silver at 5.
    private static readonly CompiledBadge Badge = TestBadge.Compile("count(pr.merged, 90d)", "3 5");

    // Everyone's merges, days back from Now. ops reverts from the merges' own source; bot-1 is a bot.
    private const string Merges = """
        // ann: five merges seven months ago, three in the last 90 days
        old1  pr.merged    ann    -205d  {}
        old2  pr.merged    ann    -204d  {}
        old3  pr.merged    ann    -203d  {}
        old4  pr.merged    ann    -202d  {}
        old5  pr.merged    ann    -201d  {}
        a1    pr.merged    ann    -30d   {}
        a2    pr.merged    ann    -20d   {}
        a3    pr.merged    ann    -10d   {}
        // ben: five in the last 90 days, each reviewed by two of three people: a tier above the lowest needs three
        // voices, and must not rest on any one of them alone
        b1    pr.merged    ben    -40d   {"reviewers":["rev","sue"]}
        b2    pr.merged    ben    -35d   {"reviewers":["sue","tom"]}
        b3    pr.merged    ben    -30d   {"reviewers":["tom","rev"]}
        b4    pr.merged    ben    -25d   {"reviewers":["rev","sue"]}
        b5    pr.merged    ben    -20d   {"reviewers":["sue","tom"]}
        // cat: five, 107 to 115 days back, so none in today's window; c1 reverted since. Three reviewers, so that
        // what holds her at bronze is the count
        c1    pr.merged    cat    -115d  {}
        c2    pr.merged    cat    -113d  {"reviewers":["sue"]}
        c3    pr.merged    cat    -111d  {"reviewers":["tom"]}
        c4    pr.merged    cat    -109d  {}
        c5    pr.merged    cat    -107d  {}
        rvc1  pr.reverted  ops    -50d   {"pr_id":"c1"}
        // dov: three, d2 reverted since
        d1    pr.merged    dov    -40d   {}
        d2    pr.merged    dov    -35d   {}
        d3    pr.merged    dov    -30d   {}
        rvd2  pr.reverted  ops    -5d    {"pr_id":"d2"}
        // eve: three, e1 reverted since, and two more since
        e1    pr.merged    eve    -60d   {}
        e2    pr.merged    eve    -55d   {}
        e3    pr.merged    eve    -50d   {}
        e4    pr.merged    eve    -30d   {}
        e5    pr.merged    eve    -20d   {}
        rve1  pr.reverted  ops    -10d   {"pr_id":"e1"}
        // fay: three, f1 now out of the window, and f4 after her grant, reverted since
        f1    pr.merged    fay    -95d   {}
        f2    pr.merged    fay    -60d   {}
        f3    pr.merged    fay    -50d   {}
        f4    pr.merged    fay    -30d   {}
        rvf4  pr.reverted  ops    -10d   {"pr_id":"f4"}
        bt1   pr.merged    bot-1  -30d   {}
        bt2   pr.merged    bot-1  -20d   {}
        bt3   pr.merged    bot-1  -10d   {}
        """;

    private static readonly History History = History.Parse(Merges, bots: ["bot-1"]);

    // employee | the stored award: none, or its status, tier, when it was granted, its evidence, whether an admin
    // blocked it, and when it runs out (until:)  ⇶  the move, its tier and its reason
    public static TheoryData<string, string> Decisions => Table.Parse("""
        // no award, or one evaluation revoked: a tier reached is granted
        ann   | none                                          ⇶ grant bronze
        ann   | revoked                                       ⇶ grant bronze
        dov   | none                                          ⇶ none
        // an admin's revocation stands until an admin restores it
        ann   | revoked blocked                               ⇶ none
        // a higher tier than held is an upgrade; a held award moves like an active one (the ledger keeps it held)
        ben   | active bronze -25d b1 b2 b3                   ⇶ upgrade silver
        ben   | held bronze -25d b1 b2 b3                     ⇶ upgrade silver
        // awards are durable: the same tier today, or a lower one as the window rolls on, changes nothing
        ann   | active bronze -5d a1 a2 a3                    ⇶ none
        ann   | active silver -195d old1 old2 old3 old4 old5  ⇶ none
        // a correction of an outcome the award was not granted on changes nothing either (fay has 2 left today)
        fay   | active bronze -40d f1 f2 f3                   ⇶ none
        // corrected evidence: the badge is judged again as of the grant, with the correction known, and the higher of
        // that tier and today's is kept. cat had 4 left then (none today), dov 2 then and now, eve 2 then and 4 today.
        cat   | active silver -95d c1 c2 c3 c4 c5             ⇶ downgrade bronze corrected
        dov   | active bronze -20d d1 d2 d3                   ⇶ revoke corrected
        eve   | active bronze -40d e1 e2 e3                   ⇶ none
        // a bot loses what it holds, and is never granted anything
        bot-1 | active bronze -5d bt1 bt2 bt3                 ⇶ revoke bot
        bot-1 | revoked                                       ⇶ none
        bot-1 | none                                          ⇶ none
        bot-1 | expired bronze -5d                            ⇶ revoke bot
        // an award runs out at its expiry, active or held, and before anything else is decided; not before it
        ann   | active bronze -40d a1 a2 a3 until:-1d         ⇶ expire bronze expired
        ann   | held bronze -40d a1 a2 a3 until:0d            ⇶ expire bronze expired
        ben   | active bronze -25d b1 b2 b3 until:-1d         ⇶ expire bronze expired
        ann   | active bronze -5d a1 a2 a3 until:1d           ⇶ none
        ann   | revoked blocked until:-1d                     ⇶ none
        // an expired award is earned again only by what happened after it was granted: ann's three merges since 40
        // days ago do, her one since 15 days ago does not
        ann   | expired bronze -40d                           ⇶ grant bronze
        ann   | expired bronze -15d                           ⇶ none
        """);

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Evaluation_decides_each_award_change_from_the_stored_award_and_the_history(string award, string expected)
    {
        var fields = Table.Fields(award);
        var history = History.Of(fields[0]);
        var stored = StoredAward(fields[1]);
        var counted = Awarding.Earning(history, history.CountAsOf(Time.Now), stored, Time.Now);
        var standing = Standings.Of(Badge, counted, History.Catalog, Time.Now);

        var decision = Awarding.Decide(stored, history, counted, standing,
            moment => Standings.Of(Badge, history.CountAsOf(moment), History.Catalog, moment), Time.Now);

        Assert.Equal(expected, Describe(decision));
    }

    [Fact]
    public void A_bot_loses_an_active_or_held_award_of_any_badge_and_nothing_is_done_to_a_revoked_one()
    {
        Assert.Equal("revoke bot", Describe(Awarding.ForBot(StoredAward("active gold -1d")!)));
        Assert.Equal("revoke bot", Describe(Awarding.ForBot(StoredAward("held bronze -1d")!)));
        Assert.Equal("none", Describe(Awarding.ForBot(StoredAward("revoked")!)));
    }

    /// <summary><c>none</c>, or <c>status [tier] [granted-at] [evidence labels…] [blocked]</c>.</summary>
    private static AwardState? StoredAward(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["none"])
        {
            return null;
        }

        var rest = words[1..];
        var tier = rest.FirstOrDefault(w => w is "bronze" or "silver" or "gold") ?? "none";
        var at = rest.FirstOrDefault(w => w.StartsWith('-')) ?? "0";
        var until = rest.FirstOrDefault(w => w.StartsWith("until:", StringComparison.Ordinal));
        var evidence = rest.Where(w => w != tier && w != at && w != until && w != "blocked");
        return new AwardState(words[0], TestBadge.RankOf(tier), History.SeqsOf(evidence), Time.At(at), rest.Contains("blocked"),
            until is null ? null : Time.At(until["until:".Length..]));
    }

    private static string Describe(AwardDecision decision) => string.Join(" ", new[]
    {
        decision.Move.ToString().ToLowerInvariant(),
        decision.TierRank >= 0 ? TestBadge.TierName(Badge, decision.TierRank) : null,
        decision.Reason,
    }.OfType<string>());
}
