using System.Globalization;

namespace Achievements.Scoring.Tests;

/// <summary>
/// The gaming detectors with their default thresholds, over each employee's activity as the evaluator reduces it
/// from judged events. Each row makes events, counts them with the real policy and reports the findings as
/// <c>detector members score</c>.
/// </summary>
public sealed class DetectorTests
{
    private static readonly DetectionOptions Options = new();

    // approver→author×approvals, a day back unless @ says otherwise. No approved pull request merges: the approvals
    // are pending, and rings are seen in them too, until after 30 days they are not merged
    public static TheoryData<string, string> Rings => Table.Parse("""
        // two who each give the other 5 or more approvals, 60 % or more of their own
        ann→ben×5 ben→ann×5                                             ⇶ review-ring ann ben 1
        ann→ben×6 ann→cat×4 ben→ann×5                                   ⇶ review-ring ann ben 0.6
        // below the minimum one way
        ann→ben×4 ben→ann×9                                             ⇶ none
        // the other is under 60 % of one's approvals (ann: 5 of 9)
        ann→ben×5 ann→cat×4 ben→ann×5                                   ⇶ none
        // outside the 90-day window
        ann→ben×5@-91d ben→ann×5@-91d                                   ⇶ none
        // approvals of pull requests that never merged, past the 30 days they may wait, earn nothing and show nothing
        ann→ben×5@-29d ben→ann×5@-29d                                   ⇶ review-ring ann ben 1
        ann→ben×5@-31d ben→ann×5@-31d                                   ⇶ none
        // a group of three who mostly approve each other is what a team of three does: no ring by its shape (groups
        // across team lines are the circle detector's, on what they receive)
        ann→ben×5 ben→cat×5 cat→ann×5                                   ⇶ none
        ann→ben×3 ben→ann×3 ben→cat×3 cat→ben×3 cat→ann×3 ann→cat×3     ⇶ none
        """);

    [Theory]
    [MemberData(nameof(Rings))]
    public void Review_rings_are_pairs_on_different_teams_that_mostly_approve_each_other(string approvals, string findings)
    {
        var rows = approvals.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany((item, i) =>
        {
            var (approver, rest) = Split(item, '→');
            var (author, countAndAt) = Split(rest, '×');
            var (count, at) = countAndAt.Contains('@') ? Split(countAndAt, '@') : (countAndAt, "-1d");
            return Enumerable.Range(0, int.Parse(count, CultureInfo.InvariantCulture)).Select(n =>
                new Row($"r{i}.{n}", "review.approved", approver, $"{at}{n}m", $$"""{"author":"{{author}}"}"""));
        });

        Assert.Equal(findings, Describe(Detectors.ReviewRings(Activities(History.Of(rows)), new Dictionary<string, string?>(), Time.Now, Options)));
    }

    // count signal every spacing from offset; several runs separated by ';'
    public static TheoryData<string, string> Bursts => Table.Parse("""
        // 20 counted (or settling) events of one outcome signal within 10 minutes (19 gaps of 31 s are 9 min 49 s)
        20 suggestion.accepted every 30s from -1d                       ⇶ burst ann 20
        20 suggestion.accepted every 31s from -1d                       ⇶ burst ann 20
        // approvals waiting for their pull request to merge may still count (and take no place under the daily cap)
        25 review.approved every 1s from -2d                            ⇶ burst ann 25
        // what did not count is no burst of outcomes: 10 of these merges are over the daily cap of 10
        20 pr.merged every 30s from -1d                                 ⇶ none
        // 19 gaps of 32 s are 10 min 8 s: no 10 minutes hold more than 19
        20 suggestion.accepted every 32s from -1d                       ⇶ none
        19 suggestion.accepted every 1s from -1d                        ⇶ none
        // before the 30-day lookback
        20 suggestion.accepted every 30s from -31d                      ⇶ none
        // one signal at a time
        10 suggestion.accepted every 10s from -1d; 10 review.approved every 10s from -1d ⇶ none
        // volume is no outcome, however fast
        50 prompt.sent every 1s from -1d                                ⇶ none
        """);

    [Theory]
    [MemberData(nameof(Bursts))]
    public void Bursts_are_more_outcomes_of_one_signal_than_anyone_makes_in_10_minutes(string runs, string findings)
    {
        var rows = runs.Split(';').SelectMany((run, i) =>
        {
            var words = run.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (count, signal, every, from) = (int.Parse(words[0], CultureInfo.InvariantCulture), words[1], Time.Span(words[3]), Time.Span(words[5]));
            return Enumerable.Range(0, count).Select(n => new Row($"{signal}.{i}.{n}", signal, "ann", Offset(from + n * every)));
        });

        Assert.Equal(findings, Describe(Detectors.Bursts(Activities(History.Of(rows)), Time.Now, Options)));
    }

    // employee tokens/counted outcomes over the last 30 days, for each who spent
    public static TheoryData<string, string> TokenBurns => Table.Parse("""
        // far more tokens per counted outcome than everyone else (median 11000, MAD 1500)
        ann 9000000/1  ben 100000/10  cat 120000/10  dan 90000/10       ⇶ token-burn ann 4042.05
        // with no outcome at all, every token is spent on nothing
        ann 2000000/0  ben 100000/10  cat 120000/10  dan 90000/10       ⇶ token-burn ann 894.39
        // when most spend alike (MAD 0), the mean absolute deviation stands in
        ann 9000000/1  ben 100000/10  cat 100000/10  dan 100000/10  eve 100000/10 ⇶ token-burn ann 3.99
        // under a million tokens, however few the outcomes
        ann 900000/1   ben 100000/10  cat 120000/10  dan 90000/10       ⇶ none
        // fewer than three spenders to compare with
        ann 9000000/1  ben 100000/10                                    ⇶ none
        // everyone spends alike
        ann 1000000/10 ben 1100000/10 cat 900000/10                     ⇶ none
        """);

    [Theory]
    [MemberData(nameof(TokenBurns))]
    public void Token_burn_is_far_more_tokens_per_counted_outcome_than_everyone_else(string spenders, string findings)
    {
        var words = spenders.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var rows = words.Chunk(2).SelectMany(pair =>
        {
            var (employee, spend) = (pair[0], pair[1]);
            var (tokens, outcomes) = Split(spend, '/');
            return Enumerable.Range(0, int.Parse(outcomes, CultureInfo.InvariantCulture))
                // Merges, since a suggestion counts only once a merge ships it; up to 10 fit under one day's cap.
                .Select(n => new Row($"{employee}.m{n}", "pr.merged", employee, $"-8d{n}m"))
                .Prepend(new Row($"{employee}.t", "tokens.consumed", employee, "-1d", $$"""{"tokens":{{tokens}}}"""));
        });

        Assert.Equal(findings, Describe(Detectors.TokenBurn(Activities(History.Of(rows)), Time.Now, Options)));
    }

    [Fact]
    public void All_runs_every_detector_over_judged_events_and_leaves_token_burn_out_when_asked()
    {
        var rows = Enumerable.Range(0, 5).SelectMany(n => new[]
        {
            new Row($"ab{n}", "review.approved", "ann", $"-1d{n}m", """{"author":"ben"}"""),
            new Row($"ba{n}", "review.approved", "ben", $"-1d{n}m", """{"author":"ann"}"""),
        }).Concat(Enumerable.Range(0, 20).Select(n => new Row($"s{n}", "suggestion.accepted", "cat", $"-2d{n}s")));
        var history = History.Of(rows);
        var counted = history.Actors.ToDictionary(a => a, a => history.CountFor(a), StringComparer.Ordinal);

        Assert.Equal("review-ring ann ben 1; burst cat 20", Describe(Detectors.All(counted, new Dictionary<string, string?>(), History.Catalog, Time.Now, Options, withTokenBurn: false)));
    }

    private static Dictionary<string, EmployeeActivity> Activities(History history) =>
        history.Actors.ToDictionary(
            employee => employee,
            employee => EmployeeActivity.From(employee, history.CountFor(employee), History.Catalog, Time.Now, Options),
            StringComparer.Ordinal);

    private static string Describe(IEnumerable<Finding> findings)
    {
        var described = findings.Select(f => $"{f.Detector} {string.Join(" ", f.Employees)} {f.Score.ToString("0.##", CultureInfo.InvariantCulture)}").ToList();
        return described.Count == 0 ? "none" : string.Join("; ", described);
    }

    private static (string Before, string After) Split(string text, char separator) =>
        text.IndexOf(separator, StringComparison.Ordinal) is var at and >= 0 ? (text[..at], text[(at + 1)..]) : throw new FormatException($"'{text}' has no '{separator}'.");

    /// <summary>An offset as a row writes it, to the second.</summary>
    private static string Offset(TimeSpan span) => $"{(span < TimeSpan.Zero ? "-" : "")}{(long)span.Duration().TotalSeconds}s";
}
