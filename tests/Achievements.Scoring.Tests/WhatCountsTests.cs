using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;

namespace Achievements.Scoring.Tests;

/// <summary>The counting policy of the built-in catalog, event by event: what the rules may see, and why not the rest.</summary>
public sealed class WhatCountsTests
{
    // One history, each row an event and what the policy makes of it as of Now (Wednesday 15 January 2025, noon).
    // bot-1 is a bot; cy and dan are a confirmed review ring. "counts" means the rules may see the event: volume
    // and corrections count in that sense too, though only outcomes ever earn.
    private const string Events = """
        // label  type                  actor  at         source  attributes                               ⇶ verdict
        // an independently reviewed, non-trivial, settled merge counts
        m1        pr.merged             ana    -8d                {}                                       ⇶ counts
        // no one but the author, or a bot, reviewed it: bots are taken out of every list as the event is read. The
        // condition names it, so no merge is ever unvouched, though nobody but its author vouches for it
        m2        pr.merged             ana    -8d                {"reviewers":["ana"]}                    ⇶ independent-review
        m3        pr.merged             ana    -8d                {"reviewers":["ana","bot-1"]}            ⇶ independent-review
        // under 5 lines changed is trivial; 5 is enough
        m4        pr.merged             ana    -8d                {"lines_added":3,"lines_deleted":1}      ⇶ non-trivial
        m5        pr.merged             ana    -8d                {"lines_added":4,"lines_deleted":1}      ⇶ counts
        // a merge settles after exactly 7 days, a kept suggestion after 24 hours
        m6        pr.merged             ana    -6d23h             {}                                       ⇶ not-settled
        m7        pr.merged             ana    -7d                {}                                       ⇶ counts
        s1        suggestion.accepted   ana    -23h               {}                                       ⇶ not-settled
        // a suggestion also waits for a merge of its author's that carries it to settle (shipping): s2 rides in m7
        s2        suggestion.accepted   ana    -7d1h              {"pr_id":"m7"}                           ⇶ counts
        // one reason per event: a failed condition is named before settlement
        m8        pr.merged             ana    -1d                {"reviewers":["ana"]}                    ⇶ independent-review
        // a correction removes its outcome, whoever sent it and however late
        m9        pr.merged             ana    -30d               {}                                       ⇶ corrected
        rv9       pr.reverted           ops    -1h                {"pr_id":"m9"}                           ⇶ counts
        s3        suggestion.accepted   ana    -3d                {}                                       ⇶ corrected
        ds3       suggestion.discarded  ana    -2d                {"suggestion_id":"s3"}                   ⇶ counts
        // from any source: a pull request is one outcome whoever reports it (see One_outcome_whoever_reports_it)
        m10       pr.merged             ana    -30d               {}                                       ⇶ corrected
        rv10      pr.reverted           ops    -1h        gitlab  {"pr_id":"m10"}                          ⇶ counts
        // corrected is named before a failed condition
        m11       pr.merged             ana    -30d               {"reviewers":["ana"]}                    ⇶ corrected
        rv11      pr.reverted           ops    -1h                {"pr_id":"m11"}                          ⇶ counts
        // over the cap of 10 a day, the earliest of the UTC day count, not the first stored; an excluded
        // event takes no place under the cap
        c11       pr.merged             ana    -20d               {}                                       ⇶ daily-cap
        c0        pr.merged             ana    -20d11h30m         {"reviewers":["ana"]}                    ⇶ independent-review
        c1        pr.merged             ana    -20d11h            {}                                       ⇶ counts
        c2        pr.merged             ana    -20d10h            {}                                       ⇶ counts
        c3        pr.merged             ana    -20d9h             {}                                       ⇶ counts
        c4        pr.merged             ana    -20d8h             {}                                       ⇶ counts
        c5        pr.merged             ana    -20d7h             {}                                       ⇶ counts
        c6        pr.merged             ana    -20d6h             {}                                       ⇶ counts
        c7        pr.merged             ana    -20d5h             {}                                       ⇶ counts
        c8        pr.merged             ana    -20d4h             {}                                       ⇶ counts
        c9        pr.merged             ana    -20d3h             {}                                       ⇶ counts
        c10       pr.merged             ana    -20d2h             {}                                       ⇶ counts
        // the next UTC day has a cap of its own
        c12       pr.merged             ana    -19d11h            {}                                       ⇶ counts
        // nothing a bot does counts, whatever it is
        b1        pr.merged             bot-1  -30d               {}                                       ⇶ bot
        b2        review.approved       bot-1  -2d                {"author":"ana"}                         ⇶ bot
        b3        tokens.consumed       bot-1  -2d                {}                                       ⇶ bot
        // approvals inside a confirmed ring stop counting; outside it they still count
        r1        review.approved       cy     -2d                {"author":"dan"}                         ⇶ collusion
        r2        review.approved       dan    -2d                {"author":"cy"}                          ⇶ collusion
        // an approval counts once the approved pull request merged and settled (shipping): eve's mr3, reviewed by cy
        r3        review.approved       cy     -9d                {"author":"eve"}                         ⇶ counts
        mr3       pr.merged             eve    -8d                {"reviewers":["cy"],"pr_id":"r3"}        ⇶ counts
        // approving one's own pull request is no review
        r4        review.approved       ana    -2d                {"author":"ana"}                         ⇶ not-self-review
        // an approval waits for the approved pull request, kim's, to merge after it, and for that merge to settle;
        // then both count. Until 30 days have passed without such a merge it is pending, after that not merged
        a1        review.approved       gil    -3d                {"author":"kim"}                         ⇶ not-settled
        a2        review.approved       gil    -5d                {"author":"kim"}                         ⇶ not-settled
        ma2       pr.merged             kim    -4d                {"pr_id":"a2","reviewers":["gil"]}       ⇶ not-settled
        a3        review.approved       gil    -10d               {"author":"kim"}                         ⇶ counts
        ma3       pr.merged             kim    -9d                {"pr_id":"a3","reviewers":["gil"]}       ⇶ counts
        a4        review.approved       gil    -29d23h            {"author":"kim"}                         ⇶ not-settled
        a5        review.approved       gil    -30d               {"author":"kim"}                         ⇶ not-merged
        // an approval recorded after the merge reviewed nothing: it waits like one without a merge, then is not merged
        ma6       pr.merged             kim    -12d               {"pr_id":"a6","reviewers":["gil"]}       ⇶ counts
        a6        review.approved       gil    -11d               {"author":"kim"}                         ⇶ not-settled
        ma7       pr.merged             kim    -41d               {"pr_id":"a7","reviewers":["gil"]}       ⇶ counts
        a7        review.approved       gil    -40d               {"author":"kim"}                         ⇶ not-merged
        // a revert of the approved pull request corrects the approval too
        a8        review.approved       gil    -20d               {"author":"kim"}                         ⇶ corrected
        ma8       pr.merged             kim    -19d               {"pr_id":"a8","reviewers":["gil"]}       ⇶ corrected
        rva8      pr.reverted           ops    -1d                {"pr_id":"a8"}                           ⇶ counts
        // only a merge that is the approval's author's and that counts ships it, from whichever source
        a9        review.approved       gil    -10d               {"author":"kim"}                         ⇶ not-settled
        ma9       pr.merged             lee    -9d                {"pr_id":"a9","reviewers":["gil"]}       ⇶ counts
        a12       review.approved       gil    -40d               {"author":"kim"}                         ⇶ not-merged
        ma12      pr.merged             lee    -39d               {"pr_id":"a12","reviewers":["gil"]}      ⇶ counts
        a10       review.approved       gil    -40d               {"author":"kim"}                         ⇶ counts
        ma10      pr.merged             kim    -39d       gitlab  {"pr_id":"a10","reviewers":["gil"]}      ⇶ counts
        a11       review.approved       gil    -40d               {"author":"kim"}                         ⇶ not-merged
        ma11      pr.merged             kim    -39d               {"pr_id":"a11","reviewers":["gil"],"lines_added":1,"lines_deleted":0} ⇶ non-trivial
        // an accepted suggestion counts only inside a merge of its own author's that counts: the one it names in pr_id,
        // or, naming none, the earliest that follows it; without one it is pending for 30 days, then not merged
        s4        suggestion.accepted   hu     -29d               {}                                       ⇶ not-settled
        s5        suggestion.accepted   hu     -30d               {}                                       ⇶ not-merged
        s6        suggestion.accepted   hal    -10d               {"pr_id":"ms6"}                          ⇶ counts
        ms6       pr.merged             hal    -9d                {}                                       ⇶ counts
        s7        suggestion.accepted   hal    -40d               {"pr_id":"ms7"}                          ⇶ not-merged
        ms7       pr.merged             kim    -39d               {}                                       ⇶ counts
        // a merge ships at most the lines it added, earliest suggestion first: ms8 added 5
        s8        suggestion.accepted   hal    -12d               {"pr_id":"ms8","lines":2}                ⇶ counts
        s9        suggestion.accepted   hal    -11d               {"pr_id":"ms8","lines":3}                ⇶ counts
        s10       suggestion.accepted   hal    -10d               {"pr_id":"ms8","lines":1}                ⇶ exceeds-merged-lines
        ms8       pr.merged             hal    -9d                {"lines_added":5,"lines_deleted":0}      ⇶ counts
        // naming no pull request (an AI tool over OpenTelemetry knows none), it ships in its author's earliest merge from
        // any source, at or after it and within 30 days, that counts and still has room for its lines (40 each here)
        s11       suggestion.accepted   jo     -20d       editor  {"lines":30}                             ⇶ counts
        s12       suggestion.accepted   jo     -19d       editor  {"lines":20}                             ⇶ counts
        mj1       pr.merged             jo     -15d               {}                                       ⇶ counts
        mj2       pr.merged             jo     -14d               {}                                       ⇶ counts
        s13       suggestion.accepted   jo     -60d       editor  {"lines":3}                              ⇶ not-merged
        // a merge that does not count ships nothing: mj3 has no reviewer but its author
        s14       suggestion.accepted   jo     -50d       editor  {"lines":3}                              ⇶ not-merged
        mj3       pr.merged             jo     -49d               {"reviewers":["jo"]}                     ⇶ independent-review
        // volume has no policy: it counts as it arrives
        t1        tokens.consumed       ana    -1m                {"tokens":5000}                          ⇶ counts
        // a type the catalog does not know is not read at all
        x1        build.passed          ana    -2d                {"pipeline":"ci"}                        ⇶ ignored
        """;

    private static readonly History History = History.Of(
        Table.Rows(Events).Select(row => Row.Parse(row.Left)),
        bots: ["bot-1"],
        collusion: CollusionGroups.From([(1, "cy"), (1, "dan")]));

    public static TheoryData<string, string> Verdicts => Table.Parse(Events);

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Each_event_counts_or_is_excluded_for_exactly_one_reason(string row, string verdict) =>
        Assert.Equal(verdict, History.VerdictOf(Row.Parse(row).Label));

    // runs of ivy's merges, one a day from an offset, each reviewed by those named; runs separated by ';'
    //   ⇶ what the policy makes of the last merge
    public static TheoryData<string, string> PerVoice => Table.Parse("""
        // one reviewer vouches for at most 30 merges in 365 days: the 31st is one-voice
        30 rex from -200d                                               ⇶ counts
        31 rex from -200d                                               ⇶ one-voice
        // one voice with room is enough; a voice that has none stays full
        30 rex from -200d; 1 rex,sue from -100d                         ⇶ counts
        30 rex from -200d; 1 sue,rex from -100d; 1 rex from -90d        ⇶ one-voice
        // the window rolls: 365 days after the first of the 30, that one has left it
        30 rex from -400d; 1 rex from -35d                              ⇶ counts
        30 rex from -400d; 1 rex from -36d                              ⇶ one-voice
        """);

    [Theory]
    [MemberData(nameof(PerVoice))]
    public void One_voice_vouches_for_a_bounded_number_of_outcomes_in_a_rolling_window(string runs, string verdict)
    {
        var rows = runs.Split(';').SelectMany((run, i) =>
        {
            var words = run.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (count, reviewers, from) = (int.Parse(words[0], CultureInfo.InvariantCulture), words[1].Split(','), (int)Time.Span(words[3]).TotalDays);
            var attributes = JsonSerializer.Serialize(new { reviewers });
            return Enumerable.Range(0, count).Select(n => new Row($"v{i}.{n}", "pr.merged", "ivy", $"{from + n}d", attributes));
        }).ToList();

        Assert.Equal(verdict, History.Of(rows).VerdictOf(rows[^1].Label));
    }

    [Fact]
    public void An_accepted_suggestion_that_no_merge_ships_never_raises_the_count_of_those_that_do()
    {
        // 199 suggestions waiting for a merge, then s1 (3 lines) the same UTC day, filling the 3 lines big added; s2 and
        // s3 (1 line each) on later days exceed them. One more waiting suggestion s0 before s1 pushes s1 over the cap
        // of 200, and frees big's lines for s2 and s3: the count rises from 1 to 2.
        List<Row> Day(bool withS0) =>
        [
            .. Enumerable.Range(0, 199).Select(i => new Row($"f{i}", "suggestion.accepted", "hal", $"-20d11h{i}s")),
            .. withS0 ? [new Row("s0", "suggestion.accepted", "hal", "-20d10h")] : Array.Empty<Row>(),
            new Row("s1", "suggestion.accepted", "hal", "-20d1h", """{"pr_id":"big","lines":3}"""),
            new Row("s2", "suggestion.accepted", "hal", "-19d", """{"pr_id":"big","lines":1}"""),
            new Row("s3", "suggestion.accepted", "hal", "-18d", """{"pr_id":"big","lines":1}"""),
            new Row("big", "pr.merged", "hal", "-10d", """{"lines_added":3,"lines_deleted":2}"""),
        ];
        int Counted(bool withS0) => History.Of(Day(withS0)).CountFor("hal").All.Count(e => e.Counts && e.Stored.Type == "suggestion.accepted");

        var (before, after) = (Counted(withS0: false), Counted(withS0: true));
        Assert.True(after <= before, $"{before} counted suggestions became {after}");
    }

    [Fact]
    public void A_pending_merge_counts_once_it_has_settled()
    {
        var merged = History.Parse("m pr.merged ana -2d {}");

        Assert.Equal(ExclusionReason.NotSettled, merged.CountFor("ana").All.Single().Reason);
        Assert.True(merged.CountFor("ana", Time.Now.AddDays(5)).All.Single().Counts);
    }

    [Fact]
    public void The_tally_splits_a_window_into_counted_pending_and_excluded_with_reasons()
    {
        var tally = History.CountFor("ana").Tally("pr.merged", TimeSpan.FromDays(30), Time.Now);

        // m1 m5 m7 c1-c10 c12 count and m6 is pending; m2 m3 m8 c0 lack an independent review, m4 is trivial, c11 is over
        // the cap. m9 m10 m11 lie exactly 30 days back, outside the half-open window.
        Assert.Equal(14, tally.Counted);
        Assert.Equal(1, tally.Pending);
        Assert.Equal(
            [new ExclusionCount("daily-cap", 1, null), new ExclusionCount("independent-review", 4, "exists(reviewers, r, r != actor)"), new ExclusionCount("non-trivial", 1, "lines_added + lines_deleted >= 5")],
            tally.Excluded.OrderBy(x => x.Reason, StringComparer.Ordinal));
    }

    [Property(MaxTest = 100)]
    public void Which_merges_of_a_day_count_does_not_depend_on_the_order_they_were_stored_in(PositiveInt merges, int seed)
    {
        // Up to 24 merges at distinct minutes of one UTC day (16 December, from midnight), stored in a shuffled order.
        var minutes = Enumerable.Range(0, merges.Get % 24 + 1).Select(i => i * 37).ToArray();
        new Random(seed).Shuffle(minutes);
        string At(int minute) => $"-{((30 * 24) + 12) * 60 - minute}m";
        var day = History.Of(minutes.Select(minute => new Row($"at{minute}", "pr.merged", "ana", At(minute))));

        var counted = day.CountFor("ana").All.Where(e => e.Counts).Select(e => e.Stored.OccurredAt).Order();

        Assert.Equal(minutes.Order().Take(10).Select(minute => Time.At(At(minute))), counted);
    }
}
