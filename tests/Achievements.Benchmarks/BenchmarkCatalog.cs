using Achievements.Rules;
using SignalCatalog = Achievements.Rules.SignalCatalog;

namespace Achievements.Benchmarks;

/// <summary>The service's built-in catalog, and starter-like badges to measure.</summary>
internal static class BenchmarkCatalog
{
    public static readonly SignalCatalog Catalog = new(
    [
        new("tokens.consumed", SignalKind.Volume, [new("tokens", AttributeType.Int), new("model", AttributeType.String)]),
        new("prompt.sent", SignalKind.Volume, [new("tokens", AttributeType.Int, Optional: true)]),
        new("suggestion.shown", SignalKind.Volume, [new("suggestion_id", AttributeType.String), new("lines", AttributeType.Int), new("language", AttributeType.String)]),
        new("suggestion.accepted", SignalKind.Outcome, [new("suggestion_id", AttributeType.String), new("lines", AttributeType.Int), new("language", AttributeType.String)]),
        new("suggestion.discarded", SignalKind.Correction, [new("suggestion_id", AttributeType.String)]),
        new("pr.merged", SignalKind.Outcome,
        [
            new("pr_id", AttributeType.String), new("repo", AttributeType.String), new("lines_added", AttributeType.Int),
            new("lines_deleted", AttributeType.Int), new("merged_by", AttributeType.String), new("reviewers", AttributeType.StringList),
            new("ai_assisted", AttributeType.Bool, Optional: true),
        ]),
        new("pr.reverted", SignalKind.Correction, [new("pr_id", AttributeType.String)]),
        new("review.approved", SignalKind.Outcome, [new("pr_id", AttributeType.String), new("author", AttributeType.String)]),
    ]);

    /// <summary>Ten rules: the starter badges and a few heavier ones (filters, distinct, streaks).</summary>
    public static readonly (string Source, RuleKind Kind)[] Rules =
    [
        ("count(pr.merged, 365d)", RuleKind.Metric),
        ("count(suggestion.accepted, 90d)", RuleKind.Metric),
        ("count(suggestion.accepted, 30d) / count(suggestion.shown, 30d) >= 0.25", RuleKind.Requirement),
        ("count(review.approved, 180d)", RuleKind.Metric),
        ("streak(pr.merged, week, 365d)", RuleKind.Metric),
        ("count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d)", RuleKind.Metric),
        ("count(pr.merged where ai_assisted == true, 90d) >= 5", RuleKind.Requirement),
        ("distinct(pr.merged.repo where exists(reviewers, r, r != actor), 365d) + distinct(pr.merged.reviewers, 90d)", RuleKind.Metric),
        ("sum(suggestion.accepted.lines where language in [\"go\", \"rust\"], 30d) - count(suggestion.discarded, 30d)", RuleKind.Metric),
        ("days(pr.merged where lines_added + lines_deleted >= 5, 90d) + streak(review.approved, day, 365d) - count(pr.reverted, 90d)", RuleKind.Metric),
    ];
}
