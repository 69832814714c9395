namespace Achievements.Rules.Tests;

public sealed class AntiGamingTests
{
    public static TheoryData<string, string> Metrics => Table.Parse("""
        count(pr.merged, 90d) / count(suggestion.shown, 90d)              ⇶ ok
        count(pr.merged) - count(pr.reverted)                             ⇶ ok
        count(pr.merged) - 2 * count(pr.reverted)                         ⇶ ok
        count(pr.merged) * -1 * -1 - count(suggestion.discarded)          ⇶ ok
        count(pr.merged) + count(prompt.sent) * -2                        ⇶ ok
        count(pr.merged) + count(prompt.sent) / -100                      ⇶ ok
        min(count(pr.merged), 100 - count(pr.reverted))                   ⇶ ok
        count(pr.merged) * 1000000 / sum(tokens.consumed.tokens, 90d)     ⇶ ok
        count(pr.merged) / (1 + count(prompt.sent) / count(pr.merged))    ⇶ ok
        distinct(pr.merged.repo, 365d) + days(review.approved, 90d)       ⇶ ok
        count(tokens.consumed)                                            ⇶ AG001, AG002
        count(pr.merged) + count(prompt.sent) / 100                       ⇶ AG001
        count(pr.merged) * sum(tokens.consumed.tokens)                    ⇶ AG001
        count(pr.merged) - count(pr.merged) / count(prompt.sent)          ⇶ AG001
        count(pr.merged) - (0 - count(pr.reverted))                       ⇶ AG001
        count(pr.merged) * (count(pr.merged) - count(suggestion.shown))   ⇶ ok
        count(pr.merged) / (count(pr.reverted) - 5)                       ⇶ ok
        (count(pr.merged) - 5) / count(pr.reverted)                       ⇶ AG001
        count(pr.merged) + sum(score.changed.delta)                       ⇶ ok
        sum(score.changed.delta)                                          ⇶ AG002
        count(pr.merged) * sum(score.changed.delta)                       ⇶ AG002
        count(pr.merged) / sum(score.changed.delta) - count(pr.reverted)  ⇶ ok
        sum(score.changed.delta) * count(suggestion.shown)                ⇶ AG001, AG002
        -count(pr.merged)                                                 ⇶ AG002
        5                                                                 ⇶ AG002
        """);

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Volume_and_correction_signals_may_only_lower_a_metric(string source, string expected)
    {
        var codes = TestCatalog.Metric(source).Diagnostics.Select(d => d.Code);
        Assert.Equal(expected == "ok" ? "" : expected, string.Join(", ", codes.Order(StringComparer.Ordinal)));
    }

    public static TheoryData<string, string> Requirements => Table.Parse("""
        count(suggestion.accepted, 30d) / count(suggestion.shown, 30d) >= 0.25  ⇶ ok
        count(pr.reverted) < 3                                            ⇶ ok
        not (count(prompt.sent) > 1000)                                   ⇶ ok
        count(pr.merged) >= 5 and 10 >= count(pr.reverted)                ⇶ ok
        count(prompt.sent) >= 1000                                        ⇶ AG001
        count(pr.merged) >= 5 or count(tokens.consumed) > 10              ⇶ AG001
        count(prompt.sent) == 10                                          ⇶ AG001
        not (count(pr.reverted) < 3)                                      ⇶ AG001
        3 <= count(suggestion.discarded)                                  ⇶ AG001
        count(pr.reverted) == 0                                           ⇶ AG001
        """);

    [Theory]
    [MemberData(nameof(Requirements))]
    public void Volume_and_correction_signals_may_only_make_a_requirement_harder(string source, string expected)
    {
        var codes = TestCatalog.Requirement(source).Diagnostics.Select(d => d.Code);
        Assert.Equal(expected == "ok" ? "" : expected, string.Join(", ", codes.Order(StringComparer.Ordinal)));
    }
}
