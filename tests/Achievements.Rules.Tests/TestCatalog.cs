namespace Achievements.Rules.Tests;

/// <summary>Mirrors the service's built-in catalog, plus one signed attribute for the analysis.</summary>
internal static class TestCatalog
{
    public static readonly SignalSchema TokensConsumed = new("tokens.consumed", SignalKind.Volume,
        [new("tokens", AttributeType.Int), new("model", AttributeType.String)]);

    public static readonly SignalSchema PromptSent = new("prompt.sent", SignalKind.Volume,
        [new("tokens", AttributeType.Int, Optional: true)]);

    public static readonly SignalSchema SuggestionShown = new("suggestion.shown", SignalKind.Volume,
        [new("suggestion_id", AttributeType.String), new("lines", AttributeType.Int), new("language", AttributeType.String)]);

    public static readonly SignalSchema SuggestionAccepted = new("suggestion.accepted", SignalKind.Outcome,
        [new("suggestion_id", AttributeType.String), new("lines", AttributeType.Int), new("language", AttributeType.String)]);

    public static readonly SignalSchema SuggestionDiscarded = new("suggestion.discarded", SignalKind.Correction,
        [new("suggestion_id", AttributeType.String)]);

    public static readonly SignalSchema PrMerged = new("pr.merged", SignalKind.Outcome,
    [
        new("pr_id", AttributeType.String),
        new("repo", AttributeType.String),
        new("lines_added", AttributeType.Int),
        new("lines_deleted", AttributeType.Int),
        new("merged_by", AttributeType.String),
        new("reviewers", AttributeType.StringList),
        new("ai_assisted", AttributeType.Bool, Optional: true),
    ]);

    public static readonly SignalSchema PrReverted = new("pr.reverted", SignalKind.Correction,
        [new("pr_id", AttributeType.String)]);

    public static readonly SignalSchema ReviewApproved = new("review.approved", SignalKind.Outcome,
        [new("pr_id", AttributeType.String), new("author", AttributeType.String)]);

    /// <summary>Not in the service's catalog: a signed attribute, whose sum moves either way.</summary>
    public static readonly SignalSchema ScoreChanged = new("score.changed", SignalKind.Outcome,
        [new("delta", AttributeType.Number, Signed: true)]);

    public static readonly SignalCatalog Catalog = new(
    [
        TokensConsumed, PromptSent, SuggestionShown, SuggestionAccepted, SuggestionDiscarded,
        PrMerged, PrReverted, ReviewApproved, ScoreChanged,
    ]);

    public static Compilation Metric(string source) => RuleCompiler.Compile(source, RuleKind.Metric, Catalog);

    public static Compilation Requirement(string source) => RuleCompiler.Compile(source, RuleKind.Requirement, Catalog);
}
