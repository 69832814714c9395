using System.Text.Json;

namespace Achievements.Scoring.Tests;

/// <summary>A badge's standing over a history: the value, the tier, and exactly the events that are its evidence.</summary>
public sealed class StandingTests
{
    // ana's year, oldest first. Now is Wednesday 15 January 2025, noon. 8 AI-assisted merges a1-a8 run one a week
    // through ISO weeks 47-52 of 2024 and 1-2 of 2025; 8 plain merges p1-p8, seven of them on consecutive days in
    // September, p8 in week 2 beside a8. Around them: merges the policy does not count (self: no independent
    // review, in week 46; pend: not settled, in week 3), one outside the year, one without a repo, and tokens.
    // A tier above the lowest needs three voices: rex reviews most merges, sue the September run, tom the old ones.
    // The tokens come through the model gateway, the source that measures spend; the approval r1 counts because
    // rex's pull request merged after it.
    private const string Year = """
        ancient  pr.merged        ana  -400d           {"repo":"legacy","reviewers":["tom"]}
        norepo   pr.merged        ana  -200d           {"repo":null}
        p1       pr.merged        ana  -120d           {"ai_assisted":false,"reviewers":["sue"]}
        p2       pr.merged        ana  -119d           {"reviewers":["sue"]}
        p3       pr.merged        ana  -118d           {"ai_assisted":false,"reviewers":["sue"]}
        p4       pr.merged        ana  -117d           {"reviewers":["sue"]}
        p5       pr.merged        ana  -116d           {"ai_assisted":false,"reviewers":["sue"]}
        p6       pr.merged        ana  -115d           {"reviewers":["sue"]}
        p7       pr.merged        ana  -114d           {"ai_assisted":false,"reviewers":["sue"]}
        t0       tokens.consumed  ana  -100d  gateway  {"tokens":9000000}
        old      pr.merged        ana  -100d           {"repo":"api","ai_assisted":true,"reviewers":["tom"]}
        self     pr.merged        ana  -64d            {"repo":"docs","ai_assisted":true,"reviewers":["ana"]}
        a1       pr.merged        ana  -57d            {"ai_assisted":true}
        a2       pr.merged        ana  -50d            {"ai_assisted":true,"repo":"api"}
        a3       pr.merged        ana  -43d            {"ai_assisted":true}
        r1       review.approved  ana  -40d            {}
        mr1      pr.merged        rex  -39d            {"pr_id":"r1","reviewers":["ana"]}
        t2       tokens.consumed  ana  -40d   gateway  {"tokens":200000}
        a4       pr.merged        ana  -36d            {"ai_assisted":true}
        a5       pr.merged        ana  -29d            {"ai_assisted":true}
        a6       pr.merged        ana  -22d            {"ai_assisted":true}
        a7       pr.merged        ana  -15d            {"ai_assisted":true}
        t1       tokens.consumed  ana  -10d   gateway  {"tokens":300000}
        p8       pr.merged        ana  -9d             {}
        a8       pr.merged        ana  -8d             {"ai_assisted":true}
        pend     pr.merged        ana  -2d             {"ai_assisted":true,"repo":"ops"}
        // what makes the merges labelled AI-assisted so: a co-author trailer each (the label alone is a claim)
        ev-old  ai.evidence      ana  -100d           {}
        ev-self ai.evidence      ana  -64d            {}
        ev-a1   ai.evidence      ana  -57d            {}
        ev-a2   ai.evidence      ana  -50d            {}
        ev-a3   ai.evidence      ana  -43d            {}
        ev-a4   ai.evidence      ana  -36d            {}
        ev-a5   ai.evidence      ana  -29d            {}
        ev-a6   ai.evidence      ana  -22d            {}
        ev-a7   ai.evidence      ana  -15d            {}
        ev-a8   ai.evidence      ana  -8d             {}
        ev-pend ai.evidence      ana  -2d             {}
        """;

    private static readonly History History = History.Parse(Year);

    // metric | tier thresholds | requirement  ⇶  value | tier | evidence
    public static TheoryData<string, string> Standings => Table.Parse("""
        // Frugal Builder, the starter badge: AI-assisted merges per million tokens. Only the 8 AI-assisted merges of
        // the 90 days are evidence: not the plain ones, not the tokens, not old (100 days back) or pend (unsettled)
        count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d) | 10 25 50 | count(pr.merged where ai_assisted == true, 90d) >= 5 ⇶ 16 | bronze | a1 a2 a3 a4 a5 a6 a7 a8
        count(pr.merged where ai_assisted == true, 90d) * 1000000 / max(sum(tokens.consumed.tokens, 90d), 1) | 10 25 50 ⇶ 16 | bronze | a1 a2 a3 a4 a5 a6 a7 a8
        // the plain merges are the rest: false or missing (norepo is plain too)
        count(pr.merged where not ai_assisted, 365d) | 8 ⇶ 9 | bronze | norepo p1 p2 p3 p4 p5 p6 p7 p8

        // Merge Master: every counted merge of the year
        count(pr.merged, 365d) | 10 50 200 ⇶ 18 | bronze | norepo p1 p2 p3 p4 p5 p6 p7 old a1 a2 a3 a4 a5 a6 a7 p8 a8

        // distinct: every counted merge of the year that carries a repo (web and api), not one per repo
        distinct(pr.merged.repo, 365d) | 2 3 ⇶ 2 | bronze | p1 p2 p3 p4 p5 p6 p7 old a1 a2 a3 a4 a5 a6 a7 p8 a8
        distinct(pr.merged.repo) | 2 3 ⇶ 3 | silver | ancient p1 p2 p3 p4 p5 p6 p7 old a1 a2 a3 a4 a5 a6 a7 p8 a8

        // streak: only the events of the longest run. Steady Shipper's weeks 47-2 hold a1-a8 and p8; self and pend
        // would make the run longer, but do not count
        streak(pr.merged, week, 365d) | 4 12 26 ⇶ 8 | bronze | a1 a2 a3 a4 a5 a6 a7 p8 a8
        streak(pr.merged, day) | 5 ⇶ 7 | bronze | p1 p2 p3 p4 p5 p6 p7
        streak(pr.merged where ai_assisted == true, week, 30d) | 4 ⇶ 4 | bronze | a5 a6 a7 a8

        // no counted outcome, no tier, though a constant reaches the threshold; one approval 40 days back is enough
        count(review.approved, 30d) + 10 | 5 ⇶ 10 | none | none
        count(review.approved, 90d) + 10 | 5 ⇶ 11 | bronze | r1

        // an unmet requirement holds the tier back, not the evidence (no merge has counted in the last 7 days)
        count(pr.merged where ai_assisted == true, 90d) | 5 | count(pr.merged, 7d) >= 1 ⇶ 8 | none | a1 a2 a3 a4 a5 a6 a7 a8
        """);

    [Theory]
    [MemberData(nameof(Standings))]
    public void A_standing_has_its_value_its_tier_and_exactly_the_events_that_made_it(string badge, string expected)
    {
        var fields = Table.Fields(badge);
        var compiled = TestBadge.Compile(fields[0], fields[1], fields[2..]);

        var standing = Scoring.Standings.Of(compiled, History.CountFor("ana"), History.Catalog, Time.Now);

        Assert.Equal(expected, $"{Format.Number(standing.Value)} | {TestBadge.TierName(compiled, standing.TierRank)} | {History.Labels(standing.Evidence)}");
    }

    // Others' years. uno's 60 merges, one every 6 days from 10 days back, are all reviewed by rex; tri's by rex, sue
    // and tom in turn. The Frugal Builders each have 8 AI-assisted merges, one a week from 10 days back, reviewed by
    // the three in turn, and differ in where their tokens come from: only the model gateway measures spend.
    private static readonly History Team = History.Of([
        .. Merges("uno", 60, everyDays: 6, ["rex"]),
        // Two of six reviewers on each merge: 20 merges a voice, within every voice's bound.
        .. Merges("tri", 60, everyDays: 6, ["rex", "sue", "tom", "uma", "vic", "wes"]),
        // A team of five: each merge reviewed by one of four colleagues in turn, 14 each, a quarter of the work apiece.
        .. Merges("four", 56, everyDays: 5, ["rex", "sue", "tom", "uma"], perMerge: 1),
        // A patron: 36 merges reviewed in turn by three colleagues, and 300 more that one friend alone reviewed.
        .. Merges("pat", 36, everyDays: 9, ["rex", "sue", "tom"], perMerge: 1),
        .. Merges("pat", 300, everyDays: 1, ["pal"], label: "f"),
        .. new[] { "edi", "gwy", "mix", "late" }.SelectMany(frugal => Merges(frugal, 8, everyDays: 7, ["rex", "sue", "tom"], aiAssisted: true)),
        .. Table.Lines("""
            edi.t    tokens.consumed  edi   -5d    editor   {"tokens":160000}
            gwy.t    tokens.consumed  gwy   -5d    gateway  {"tokens":160000}
            mix.t1   tokens.consumed  mix   -5d    gateway  {"tokens":160000}
            mix.t2   tokens.consumed  mix   -4d    editor   {"tokens":160000}
            late.t1  tokens.consumed  late  -100d  gateway  {"tokens":160000}
            late.t2  tokens.consumed  late  -5d    editor   {"tokens":160000}
            """).Select(Row.Parse),
    ]);

    // employee | metric | tier thresholds | requirement  ⇶  value | tier | voices/needed | limit
    public static TheoryData<string, string> Limits => Table.Parse("""
        // one reviewer for 60 merges: 30 count, the rest are one-voice, and Merge Master's value stays at bronze
        uno  | count(pr.merged, 365d) | 10 50 200                     ⇶ 30 | bronze | 1/3 | none
        // where 30 would reach silver, one voice holds the standing at bronze; the 30 that count, 6 days apart,
        // give Steady Shipper a run of 26 weeks
        uno  | count(pr.merged, 365d) | 10 15                         ⇶ 30 | bronze | 1/3 | one-voice
        uno  | streak(pr.merged, week, 365d) | 4 12 26              ⇶ 26 | bronze | 1/3 | one-voice
        // three reviewers in turn: every merge counts, and the tiers above the lowest are open
        tri  | count(pr.merged, 365d) | 10 50 200                     ⇶ 60 | silver | 6/3 | none
        tri  | count(pr.merged, 365d) | 10 15                         ⇶ 60 | silver | 6/3 | none
        tri  | streak(pr.merged, week, 365d) | 4 12 26              ⇶ 51 | gold | 6/3 | none
        // four colleagues in turn: none is behind more than a third of the work, so silver rests on no one voice
        four | count(pr.merged, 365d) | 10 50 200                     ⇶ 56 | silver | 4/3 | none
        four | streak(pr.merged, week, 365d) | 4 12 26              ⇶ 40 | gold | 4/3 | none
        // the friend's 30 counted merges bring 66, but the friend alone is behind 300 of the 336 offered: silver must
        // be reached without them, and the colleagues' 36 reach bronze
        pat  | count(pr.merged, 365d) | 10 50 200                     ⇶ 66 | bronze | 4/3 | one-voice
        pat  | count(pr.merged, 365d) | 10 30 200                     ⇶ 66 | silver | 4/3 | none

        // Frugal Builder reads tokens: with tokens only from the editor, which an employee can switch off, nobody
        // measured the spend and the badge cannot judge, however good the ratio looks
        edi  | count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d) | 10 25 50 | count(pr.merged where ai_assisted == true, 90d) >= 5 ⇶ 50 | none | 3/3 | unmeasured
        // with the gateway's tokens it judges: 8 merges per 160 000 tokens
        gwy  | count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d) | 10 25 50 | count(pr.merged where ai_assisted == true, 90d) >= 5 ⇶ 50 | gold | 3/3 | none
        // once measured, the editor's tokens are spend too: they lower the ratio, never raise it
        mix  | count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d) | 10 25 50 | count(pr.merged where ai_assisted == true, 90d) >= 5 ⇶ 25 | silver | 3/3 | none
        // the gateway must have reported inside the badge's window
        late | count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d) | 10 25 50 | count(pr.merged where ai_assisted == true, 90d) >= 5 ⇶ 50 | none | 3/3 | unmeasured
        """);

    [Theory]
    [MemberData(nameof(Limits))]
    public void A_tier_above_the_lowest_needs_three_voices_and_a_badge_reading_volume_needs_it_measured(string badge, string expected)
    {
        var fields = Table.Fields(badge);
        var compiled = TestBadge.Compile(fields[1], fields[2], fields[3..]);

        var standing = Scoring.Standings.Of(compiled, Team.CountFor(fields[0]), History.Catalog, Time.Now);

        Assert.Equal(expected, $"{Format.Number(standing.Value)} | {TestBadge.TierName(compiled, standing.TierRank)} | {standing.Voices}/{standing.VoicesNeeded} | {standing.Limit ?? "none"}");
    }

    /// <summary>
    /// Merges one every <paramref name="everyDays"/> days from 10 days back, each reviewed by the next
    /// <paramref name="perMerge"/> of <paramref name="reviewers"/> (two by default, so no tier rests on one of them alone).
    /// With <paramref name="aiAssisted"/>, each carries a co-author trailer as evidence.
    /// </summary>
    private static IEnumerable<Row> Merges(string actor, int count, int everyDays, string[] reviewers, bool? aiAssisted = null, int perMerge = 2, string label = "m") =>
        Enumerable.Range(0, count).SelectMany(i => (IEnumerable<Row>)[
            new Row(
                $"{actor}.{label}{i}",
                "pr.merged",
                actor,
                $"-{10 + i * everyDays}d",
                JsonSerializer.Serialize(new { reviewers = Enumerable.Range(i, Math.Min(perMerge, reviewers.Length)).Select(r => reviewers[r % reviewers.Length]), ai_assisted = aiAssisted })),
            .. aiAssisted == true ? [new Row($"ev-{actor}.{label}{i}", "ai.evidence", actor, $"-{10 + i * everyDays}d", "{}")] : Array.Empty<Row>(),
        ]);

    [Fact]
    public void A_standing_as_of_an_earlier_moment_judges_what_had_settled_and_was_in_the_window_then()
    {
        var badge = TestBadge.Compile("count(pr.merged where ai_assisted == true, 90d)", "5");
        var moment = Time.At("-28d");

        var standing = Scoring.Standings.Of(badge, History.CountFor("ana", moment), History.Catalog, moment);

        // 28 days back, a4 had settled and a5, a day old, had not; old was inside the 90 days.
        Assert.Equal("old a1 a2 a3 a4", History.Labels(standing.Evidence));
        Assert.Equal(0, standing.TierRank);
    }
}
