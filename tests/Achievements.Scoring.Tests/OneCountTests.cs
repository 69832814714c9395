namespace Achievements.Scoring.Tests;

/// <summary>
/// One piece of work counts once however it is sliced (units of work), and a merge is AI-assisted only on evidence
/// (attribution), under the built-in catalog's policy: 80 lines a unit, runs broken by 72 hours.
/// </summary>
public sealed class OneCountTests
{
    private const string Events = """
        // label  type                  actor  at         source  attributes                                            ⇶ verdict
        // ana slices a morning's work into 10, 6 and 8 lines, then ships a real change: the run's lines (24, then 124)
        // stand for one unit until the fourth merge's lines pass 80
        n1        pr.merged             ana    -20d4h             {"lines_added":10,"lines_deleted":0}                  ⇶ counts
        n2        pr.merged             ana    -20d3h             {"lines_added":6,"lines_deleted":0}                   ⇶ sliced
        n3        pr.merged             ana    -20d2h             {"lines_added":8,"lines_deleted":0}                   ⇶ sliced
        n4        pr.merged             ana    -20d1h             {"lines_added":90,"lines_deleted":10}                 ⇶ counts
        // lines beyond a unit carry forward within the run: a large merge, then a small fix the next day, count twice
        b1        pr.merged             bo     -20d               {"lines_added":300,"lines_deleted":20}                ⇶ counts
        b2        pr.merged             bo     -19d               {"lines_added":6,"lines_deleted":0}                   ⇶ counts
        // three days apart is a new run: the first merge of a run counts however small
        b3        pr.merged             bo     -15d               {"lines_added":6,"lines_deleted":0}                   ⇶ counts
        // lines that only moved count on neither side: 100 added and 100 deleted, 95 of them moved, are 10 lines
        c1        pr.merged             cy     -20d               {"lines_added":100,"lines_deleted":100,"lines_moved":95} ⇶ counts
        c2        pr.merged             cy     -19d23h            {"lines_added":50,"lines_deleted":10}                 ⇶ sliced
        c3        pr.merged             cy     -19d22h            {"lines_added":40,"lines_deleted":0}                  ⇶ counts
        // approving a slicer's slices is one review per unit of the author's work, measured by the merges approved
        ra1       review.approved       dee    -12d2h             {"author":"eve"}                                      ⇶ counts
        ma1       pr.merged             eve    -12d1h             {"pr_id":"ra1","reviewers":["dee"],"lines_added":7,"lines_deleted":0} ⇶ counts
        ra2       review.approved       dee    -12d1h30m          {"author":"eve"}                                      ⇶ sliced
        ma2       pr.merged             eve    -12d1h             {"pr_id":"ra2","reviewers":["dee"],"lines_added":7,"lines_deleted":0} ⇶ sliced
        // a merge's lines bound the suggestions that name it and those that ship in it unnamed, together: 10 lines hold
        // the six named and not six more
        u1        suggestion.accepted   ula    -10d2h     editor  {"lines":6,"pr_id":"um"}                              ⇶ counts
        u2        suggestion.accepted   ula    -10d1h     editor  {"lines":6}                                           ⇶ exceeds-merged-lines
        um        pr.merged             ula    -10d               {"lines_added":10,"lines_deleted":0}                  ⇶ counts
        """;

    private static readonly History History = History.Of(Table.Rows(Events).Select(row => Row.Parse(row.Left)));

    public static TheoryData<string, string> Verdicts => Table.Parse(Events);

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void Each_piece_of_work_counts_once_however_it_is_sliced(string row, string verdict) =>
        Assert.Equal(verdict, History.VerdictOf(Row.Parse(row).Label));

    [Fact]
    public void The_same_lines_earn_the_same_whether_shipped_as_one_pull_request_a_week_or_as_many_a_day()
    {
        // Over twelve weeks: 3 or 4 pull requests a working day of 6 to 8 lines, or that week's lines as one.
        List<Row> sliced = [], weekly = [];
        var reviewers = new[] { "rex", "sue", "tom", "uma" };
        for (var week = 0; week < 12; week++)
        {
            var lines = 0;
            for (var day = 0; day < 5; day++)
            {
                for (var part = 0; part < 3 + ((week + day) % 2); part++)
                {
                    var size = 6 + ((day + part) % 3);
                    lines += size;
                    var at = $"-{(week * 7) + day + 10}d{9 - (part * 2)}h";
                    sliced.Add(new Row($"s{week}-{day}-{part}", "pr.merged", "sam", at, $$"""{"lines_added":{{size}},"lines_deleted":0,"reviewers":["{{reviewers[(day + part) % 4]}}"]}"""));
                }
            }

            weekly.Add(new Row($"w{week}", "pr.merged", "cal", $"-{(week * 7) + 10}d", $$"""{"lines_added":{{lines}},"lines_deleted":0,"reviewers":["{{reviewers[week % 4]}}"]}"""));
        }

        var history = History.Of([.. sliced, .. weekly]);
        var slicer = history.CountFor("sam").All.Count(e => e.Counts);
        var control = history.CountFor("cal").All.Count(e => e.Counts);

        Assert.Equal(12, control);
        Assert.InRange(slicer, 12, 23);
        Assert.True(sliced.Count > 10 * slicer / 2, $"{sliced.Count} pull requests, {slicer} counted");
    }

    private const string Attributed = """
        // a label alone is a claim: kept as ai_claimed, earning nothing
        l1        pr.merged             kim    -20d               {"ai_assisted":true}
        // a co-author trailer the GitHub source read from the merge commit, named by its sha
        l2        pr.merged             kim    -19d               {"ai_assisted":true,"merge_commit_sha":"0123456789abcdef0123456789abcdef01234567"}
        tr2       ai.evidence           kim    -19d1h             {"pr_id":null,"commit_sha":"0123456789abcdef0123456789abcdef01234567","tool":"claude","evidence":"co-author-trailer"}
        // an AI tool's own report naming the pull request, unlabelled
        l3        pr.merged             kim    -18d               {}
        tool3     ai.evidence           kim    -18d               {"pr_id":"l3","tool":"claude-code","evidence":"tool-report"}
        // an accepted suggestion that shipped in it
        s4        suggestion.accepted   kim    -17d1h             {"pr_id":"l4","lines":5}
        l4        pr.merged             kim    -17d               {}
        // evidence naming another pull request proves nothing about this one
        l5        pr.merged             kim    -16d               {"ai_assisted":true}
        x5        ai.evidence           kim    -16d               {"pr_id":"elsewhere","tool":"copilot","evidence":"tool-report"}
        """;

    // label ⇶ ai_assisted | ai_claimed | evidence
    public static TheoryData<string, string> Attributions => Table.Parse("""
        l1 ⇶ false | true | none
        l2 ⇶ true | true | co-author-trailer:claude
        l3 ⇶ true | false | tool-report:claude-code
        l4 ⇶ true | false | shipped-suggestion
        l5 ⇶ false | true | none
        """);

    [Theory]
    [MemberData(nameof(Attributions))]
    public void A_merge_is_AI_assisted_only_on_evidence(string label, string expected)
    {
        var history = History.Parse(Attributed);
        var tally = history.CountFor("kim").Tally("pr.merged", null, Time.Now);
        var merge = Assert.Single(tally.Attribution!, m => m.Id == label.Trim());

        Assert.Equal(expected, $"{merge.Attributed.ToString().ToLowerInvariant()} | {merge.Claimed.ToString().ToLowerInvariant()} | {(merge.Evidence.Count == 0 ? "none" : string.Join(" ", merge.Evidence))}");
    }

    [Fact]
    public void Frugal_Builder_counts_the_merges_evidence_makes_AI_assisted_and_never_the_label()
    {
        var badge = TestBadge.Compile("count(pr.merged where ai_assisted == true, 90d)", "1");

        var standing = Scoring.Standings.Of(badge, History.Parse(Attributed).CountFor("kim"), History.Catalog, Time.Now);

        Assert.Equal(3, standing.Value);
    }

    [Theory]
    [InlineData("count(ai.evidence, 90d)")]
    [InlineData("count(pr.merged, 90d) + count(ai.evidence, 90d)")]
    public void Evidence_never_earns_by_itself(string metric)
    {
        var definition = new BadgeDefinition("Evidence", "Counts what tools say.", "🧾", metric, [], [new TierDefinition("bronze", 1)]);

        var (badge, diagnostics) = BadgeCompiler.TryCompile("evidence", 1, definition, History.Catalog.ToRuleCatalog());

        Assert.Null(badge);
        Assert.Contains(diagnostics, d => d.Code == "AG001" && d.Message.Contains("'ai.evidence' is an evidence signal", StringComparison.Ordinal));
    }
}
