namespace Achievements.Scoring.Tests;

/// <summary>
/// One outcome, one count: a pull request (or an approval, or an accepted suggestion) reported by two sources, here
/// the GitHub webhook (the default source) and a CI script posting as <c>ci</c>, is one outcome.
/// </summary>
public sealed class OneOutcomeTests
{
    private const string Events = """
        // label  type                  actor  at     source  attributes                                          ⇶ verdict
        // the first report stored counts; the same pull request from the other source is a duplicate
        g1        pr.merged             ana    -10d           {"pr_id":"web#1"}                                   ⇶ counts
        c1        pr.merged             ana    -10d   ci      {"pr_id":"web#1"}                                   ⇶ duplicate-outcome
        // first stored, whichever source it is
        c2        pr.merged             ana    -11d   ci      {"pr_id":"web#2"}                                   ⇶ counts
        g2        pr.merged             ana    -11d           {"pr_id":"web#2"}                                   ⇶ duplicate-outcome
        // the same source sending the same pull request twice under two ids is no second outcome either
        g3        pr.merged             ana    -12d           {"pr_id":"web#3"}                                   ⇶ counts
        g3bis     pr.merged             ana    -12d           {"pr_id":"web#3"}                                   ⇶ duplicate-outcome
        // a revert from either source corrects every report of the pull request
        g4        pr.merged             ana    -13d           {"pr_id":"web#4"}                                   ⇶ corrected
        c4        pr.merged             ana    -13d   ci      {"pr_id":"web#4"}                                   ⇶ corrected
        rv4       pr.reverted           ops    -1d    ci      {"pr_id":"web#4"}                                   ⇶ counts
        c5        pr.merged             ana    -14d   ci      {"pr_id":"web#5"}                                   ⇶ corrected
        rv5       pr.reverted           ops    -1d            {"pr_id":"web#5"}                                   ⇶ counts
        // the first report's facts stand: the later one saying it was trivial changes nothing...
        g6        pr.merged             ana    -15d           {"pr_id":"web#6"}                                   ⇶ counts
        c6        pr.merged             ana    -15d   ci      {"pr_id":"web#6","lines_added":1,"lines_deleted":0} ⇶ duplicate-outcome
        // ...and a later one naming a reviewer the first did not know never counts in its place
        c7        pr.merged             ana    -16d   ci      {"pr_id":"web#7","reviewers":["ana"]}               ⇶ independent-review
        g7        pr.merged             ana    -16d           {"pr_id":"web#7"}                                   ⇶ duplicate-outcome
        // two sources naming different authors: the first report's author owns it
        g8        pr.merged             ana    -17d           {"pr_id":"web#8"}                                   ⇶ counts
        c8        pr.merged             bea    -17d   ci      {"pr_id":"web#8"}                                   ⇶ duplicate-outcome
        // an approval is one per reviewer and pull request: reported twice it counts once, and another reviewer's
        // approval of the same pull request is theirs; the pull request reported twice ships them once
        a9        review.approved       gil    -21d           {"pr_id":"web#9","author":"ana"}                    ⇶ counts
        a9c       review.approved       gil    -21d   ci      {"pr_id":"web#9","author":"ana"}                    ⇶ duplicate-outcome
        b9        review.approved       hu     -21d           {"pr_id":"web#9","author":"ana"}                    ⇶ counts
        m9        pr.merged             ana    -20d           {"pr_id":"web#9","reviewers":["gil","hu"]}          ⇶ counts
        m9c       pr.merged             ana    -20d   ci      {"pr_id":"web#9","reviewers":["gil","hu"]}          ⇶ duplicate-outcome
        // an approval reported by GitHub ships in the merge only the CI script reported
        a10       review.approved       gil    -23d           {"pr_id":"web#10","author":"ana"}                   ⇶ counts
        m10       pr.merged             ana    -22d   ci      {"pr_id":"web#10","reviewers":["gil"]}              ⇶ counts
        // an approval ships in the first report of the merge only: the later one, naming another author, ships nothing
        a11       review.approved       gil    -25d           {"pr_id":"web#11","author":"bea"}                   ⇶ not-settled
        m11       pr.merged             ana    -24d           {"pr_id":"web#11","reviewers":["gil"]}              ⇶ counts
        m11c      pr.merged             bea    -24d   ci      {"pr_id":"web#11","reviewers":["gil"]}              ⇶ duplicate-outcome
        // an accepted suggestion is its suggestion_id: two tools reporting the same one ship it once
        s12       suggestion.accepted   ana    -27d   editor  {"suggestion_id":"x12","pr_id":"web#12"}            ⇶ counts
        s12c      suggestion.accepted   ana    -27d   ide     {"suggestion_id":"x12","pr_id":"web#12"}            ⇶ duplicate-outcome
        m12       pr.merged             ana    -26d           {"pr_id":"web#12"}                                  ⇶ counts
        """;

    private static readonly History History = History.Parse(string.Join('\n', Table.Rows(Events).Select(row => row.Left)));

    public static TheoryData<string, string> Verdicts => Table.Parse(Events);

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void One_outcome_whoever_reports_it(string row, string verdict) =>
        Assert.Equal(verdict, History.VerdictOf(Row.Parse(row).Label));

    // The catalog trusts only GitHub for merges and reverts, as an organisation that set pr.merged's and
    // pr.reverted's authoritativeSources to ["github"] does.
    private const string Trusted = """
        // a merge only the CI script reported is stored, never counted
        c1        pr.merged             ana    -10d   ci      {"pr_id":"web#1"}                                   ⇶ untrusted-source
        // an untrusted first report owns nothing: GitHub's later report of the pull request counts
        c2        pr.merged             ana    -11d   ci      {"pr_id":"web#2"}                                   ⇶ untrusted-source
        g2        pr.merged             ana    -11d           {"pr_id":"web#2"}                                   ⇶ counts
        // a revert from an untrusted source is stored and corrects nothing; GitHub's does
        g3        pr.merged             ana    -12d           {"pr_id":"web#3"}                                   ⇶ counts
        rv3       pr.reverted           ops    -1d    ci      {"pr_id":"web#3"}                                   ⇶ untrusted-source
        g4        pr.merged             ana    -13d           {"pr_id":"web#4"}                                   ⇶ corrected
        rv4       pr.reverted           ops    -1d            {"pr_id":"web#4"}                                   ⇶ counts
        // an untrusted merge ships no approval
        a5        review.approved       gil    -40d           {"pr_id":"web#5","author":"ana"}                    ⇶ not-merged
        c5        pr.merged             ana    -39d   ci      {"pr_id":"web#5","reviewers":["gil"]}               ⇶ untrusted-source
        """;

    private static readonly CountingPolicy GithubOnly = CountingPolicy.Compile(new SignalCatalog(
        [.. BuiltInSignals.All.Select(s => s.Type is "pr.merged" or "pr.reverted" ? s with { AuthoritativeSources = [Row.DefaultSource] } : s)]));

    private static readonly History TrustedHistory = History.Parse(string.Join('\n', Table.Rows(Trusted).Select(row => row.Left)), policy: GithubOnly);

    public static TheoryData<string, string> TrustedVerdicts => Table.Parse(Trusted);

    [Theory]
    [MemberData(nameof(TrustedVerdicts))]
    public void Only_the_sources_a_signal_trusts_report_or_correct_it(string row, string verdict) =>
        Assert.Equal(verdict, TrustedHistory.VerdictOf(Row.Parse(row).Label));

    [Fact]
    public void Merges_reported_by_two_sources_give_the_value_of_one()
    {
        var once = Enumerable.Range(1, 12).Select(i => new Row($"g{i}", "pr.merged", "ana", $"-{10 + i}d", $$"""{"pr_id":"web#{{i}}"}"""));
        var twice = once.Concat(Enumerable.Range(1, 12).Select(i => new Row($"c{i}", "pr.merged", "ana", $"-{10 + i}d", $$"""{"pr_id":"web#{{i}}"}""", "ci")));
        var badge = TestBadge.Compile("count(pr.merged)", "1 10 25");

        int Value(IEnumerable<Row> rows) => (int)badge.Evaluate(History.Of(rows).CountFor("ana").Counted, Time.Now).Value;

        Assert.Equal((12, 12), (Value(once), Value(twice)));
    }
}
