namespace Achievements.Rules.Tests;

public sealed class GrammarTests
{
    public static TheoryData<string, string> Structure => Table.Parse("""
        1 + 2 * 3                                   ⇶ (+ 1 (* 2 3))
        (1 + 2) * 3                                 ⇶ (* (+ 1 2) 3)
        1 - 2 - 3                                   ⇶ (- (- 1 2) 3)
        8 / 4 / 2                                   ⇶ (/ (/ 8 4) 2)
        -2 * 3                                      ⇶ (* (- 2) 3)
        - -2                                        ⇶ (- (- 2))
        a or b and c                                ⇶ (or a (and b c))
        not a == b and c                            ⇶ (and (not (== a b)) c)
        not not a                                   ⇶ (not (not a))
        a + 1 >= b * 2                              ⇶ (>= (+ a 1) (* b 2))
        a < b or a <= b or a > b or a != b          ⇶ (or (or (or (< a b) (<= a b)) (> a b)) (!= a b))
        language in ["go", "rust"]                  ⇶ (in language ["go" "rust"])
        actor in reviewers                          ⇶ (in actor reviewers)
        []                                          ⇶ []
        0.25                                        ⇶ 0.25
        true and false                              ⇶ (and true false)
        "a \"quoted\" \\ text"                      ⇶ "a "quoted" \ text"
        30m + 24h + 7d + 12w                        ⇶ (+ (+ (+ 30min 1440min) 10080min) 120960min)
        count(pr.merged)                            ⇶ (count pr.merged)
        count(pr.merged, 90d)                       ⇶ (count pr.merged 129600min)
        count(pr.merged where lines_added >= 50 and repo != "sandbox", 90d) ⇶ (count (where pr.merged (and (>= lines_added 50) (!= repo "sandbox"))) 129600min)
        sum(suggestion.accepted.lines where language == "go", 30d) ⇶ (sum (where suggestion.accepted.lines (== language "go")) 43200min)
        distinct(pr.merged.repo, 365d)              ⇶ (distinct pr.merged.repo 525600min)
        days(pr.merged, 90d)                        ⇶ (days pr.merged 129600min)
        streak(review.approved where author != actor, day, 365d) ⇶ (streak (where review.approved (!= author actor)) day 525600min)
        exists(reviewers, r, r != actor)            ⇶ (exists reviewers r (!= r actor))
        size(reviewers) >= 2                        ⇶ (>= (size reviewers) 2)
        min(1, 2, 3) + max(4, 5)                    ⇶ (+ (min 1 2 3) (max 4 5))
        count(pr.merged) # merged pull requests     ⇶ (count pr.merged)
        # leading comment\n count(pr.merged)        ⇶ (count pr.merged)
        """);

    [Theory]
    [MemberData(nameof(Structure))]
    public void Operators_bind_by_precedence_from_or_to_unary_minus(string source, string expected)
    {
        var tree = RuleSyntaxTree.Parse(source);
        Assert.Empty(tree.Diagnostics);
        Assert.Equal(expected, SyntaxDump.Of(tree));
    }

    public static TheoryData<string, string> Formatting => Table.Parse("""
        count( pr.merged ,90d )                     ⇶ count(pr.merged, 90d)
        count(pr.merged where repo!="x",090d)*1.50  ⇶ count(pr.merged where repo != "x", 90d) * 1.5
        1+2*3                                       ⇶ 1 + 2 * 3
        ( 1+2 )*3                                   ⇶ (1 + 2) * 3
        -  - 2                                      ⇶ --2
        not(a)                                      ⇶ not (a)
        not  a                                      ⇶ not a
        language in [ "go" ,"rust" ]                ⇶ language in ["go", "rust"]
        "say \"hi\" \\ bye"                         ⇶ "say \"hi\" \\ bye"
        0.50 + 00 + 10.0                            ⇶ 0.5 + 0 + 10
        streak(pr.merged,week,  365d)  # weekly     ⇶ streak(pr.merged, week, 365d)
        pr . merged                                 ⇶ pr.merged
        exists(reviewers,r,r!=actor)                ⇶ exists(reviewers, r, r != actor)
        """);

    [Theory]
    [MemberData(nameof(Formatting))]
    public void Formatting_is_canonical_and_stable(string source, string expected)
    {
        var formatted = RuleFormatter.Format(RuleSyntaxTree.Parse(source));
        Assert.Equal(expected, formatted);

        var reparsed = RuleSyntaxTree.Parse(formatted);
        Assert.Empty(reparsed.Diagnostics);
        Assert.Equal(formatted, RuleFormatter.Format(reparsed));
        Assert.Equal(SyntaxDump.Of(RuleSyntaxTree.Parse(source), showParentheses: true), SyntaxDump.Of(reparsed, showParentheses: true));
    }
}
