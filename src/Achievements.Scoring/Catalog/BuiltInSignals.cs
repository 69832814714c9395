namespace Achievements.Scoring;

/// <summary>
/// The signals every installation starts with, and their default policy. Seeded once into a new
/// database; after that the stored catalog is the truth and admins change policy through the API.
/// </summary>
public static class BuiltInSignals
{
    /// <summary>The review signal, and the attribute naming whose work was reviewed: the review graph the ring detector reads.</summary>
    public static (string Signal, string Author) Review { get; } = ("review.approved", "author");

    /// <summary>
    /// The merge signal, the pull request it merged (an approval names the same attribute), and its lines: what the
    /// detector of mass-produced work compares with the organisation's.
    /// </summary>
    public static (string Signal, string Pull, string Added, string Deleted) Merge { get; } = ("pr.merged", "pr_id", "lines_added", "lines_deleted");

    /// <summary>
    /// What a merge says beyond its lines: the lines among <c>lines_added</c> that only moved or were reformatted (each
    /// also among <c>lines_deleted</c>; see <see cref="LinesThatCount"/>), and the commit it merged, which evidence may name.
    /// </summary>
    public static (string Moved, string Commit) MergeFacts { get; } = ("lines_moved", "merge_commit_sha");

    /// <summary>
    /// The evidence signal: a source's report that AI took part in a pull request (<c>pr_id</c>) or a commit
    /// (<c>commit_sha</c>, matched with a merge's <c>merge_commit_sha</c>), which tool, and what kind of evidence.
    /// </summary>
    public static (string Signal, string Pull, string Commit, string Tool, string Kind) Evidence { get; } = ("ai.evidence", "pr_id", "commit_sha", "tool", "evidence");

    /// <summary>The kinds of evidence the sources write; a shipped suggestion is found by the policy itself.</summary>
    public static class EvidenceKinds
    {
        public const string ShippedSuggestion = "shipped-suggestion";
        public const string CoAuthorTrailer = "co-author-trailer";
        public const string ToolReport = "tool-report";
        public const string AgentAccount = "agent-account";
    }

    /// <summary>The spend signal, its amount (what token burn compares with counted outcomes), its model and its reported cost: what the cost view sums.</summary>
    public static (string Signal, string Tokens, string Model, string Cost, string Aggregate) Spend { get; } = ("tokens.consumed", "tokens", "model", "cost_usd", "aggregate");

    private static AttributeDefinition Int(string name, bool optional = false) => new(name, "int", optional);

    private static AttributeDefinition Text(string name) => new(name, "string");

    /// <summary>The source whose token reports an employee cannot switch off: the model gateway.</summary>
    public const string Gateway = "gateway";

    public static readonly IReadOnlyList<SignalDefinition> All =
    [
        new("tokens.consumed", SignalDefinition.Volume, "Tokens a model consumed on an employee's behalf. Spend, never an achievement.",
            // aggregate: a total over many requests (a tool's token metric), which the same source may also report request
            // by request; SpendReports counts such a total only where it did not.
            [Int("tokens"), Text("model"), new("cost_usd", "number", Optional: true), new("aggregate", "bool", Optional: true)], null, null, null, [], true)
        {
            // Only the gateway's reports are complete: an employee can switch off their own tool's telemetry.
            AuthoritativeSources = [Gateway],
        },
        new("prompt.sent", SignalDefinition.Volume, "A prompt sent to an AI assistant. Activity, never an achievement.",
            [Int("tokens", optional: true)], null, null, null, [], true),
        new("suggestion.shown", SignalDefinition.Volume, "An AI suggestion shown in the editor.",
            [Text("suggestion_id"), Int("lines"), Text("language")], null, null, null, [], true),
        new("suggestion.accepted", SignalDefinition.Outcome, "An AI suggestion the employee accepted into code that shipped: a pull request of theirs that merged and counted.",
            [Text("suggestion_id"), Int("lines"), Text("language"), new("pr_id", "string", Optional: true)],
            // 24h: a suggestion deleted again within a day was not really kept.
            "24h", new CorrectedBy("suggestion.discarded", "suggestion_id"), 200,
            [new("non-empty", "lines >= 1")], true)
        {
            // What an editor reports about its own user is attribution: it counts only inside the author's own reviewed,
            // merged work, and never more lines than that work added.
            ShippedBy = new("pr.merged", "pr_id", ShippedBy.SameActor, "30d", Lines: "lines", UpTo: "lines_added"),
            // 90 in 90 days per voice: below Suggestion Savant's silver (100).
            Voices = new(Voices.FromShippedBy, PerVoice: 90, Window: "90d", Breadth: 3),
        },
        new("suggestion.discarded", SignalDefinition.Correction, "An accepted suggestion that was deleted again.",
            [Text("suggestion_id")], null, null, null, [], true),
        new("pr.merged", SignalDefinition.Outcome, "A pull request the employee authored was merged.",
            [Text("pr_id"), Text("repo"), Int("lines_added"), Int("lines_deleted"), Text("merged_by"),
             new("reviewers", "string[]"), new("ai_assisted", "bool", Optional: true), new("ai_claimed", "bool", Optional: true),
             Int("lines_moved", optional: true), new("merge_commit_sha", "string", Optional: true)],
            // 7d: most reverts of a bad merge happen within a week.
            "7d", new CorrectedBy("pr.reverted", "pr_id"), 10,
            [new("independent-review", "exists(reviewers, r, r != actor)"), new("non-trivial", "lines_added + lines_deleted >= 5")], true)
        {
            // 30 a year per reviewer: one reviewer alone stays below every starter badge's second tier, and breadth asks
            // for three. A strong developer in a team of five merges about 75 a year, about 23 per colleague.
            Voices = new("reviewers", PerVoice: 30, Window: "365d", Breadth: 3),
            // 80 lines a unit: the median ordinary pull request is larger, so one rarely waits for a second; seventeen
            // six-line slices a week are about one and a half. 72h: a run spans a weekend.
            Units = new(80, "72h"),
            // What the source says is a claim; only evidence makes a merge AI-assisted.
            Attribution = new("ai_assisted", "ai_claimed"),
        },
        new("ai.evidence", SignalDefinition.Evidence,
            "Evidence that AI took part in a pull request or commit: a co-author trailer, an AI tool's own report, a pull request an agent account opened. Never an achievement.",
            [Text("tool"), Text("evidence"), new("pr_id", "string", Optional: true), new("commit_sha", "string", Optional: true)], null, null, null, [], true),
        new("pr.reverted", SignalDefinition.Correction, "A merged pull request was reverted.",
            [Text("pr_id")], null, null, null, [], true),
        new("review.approved", SignalDefinition.Outcome, "The employee approved someone else's pull request, which then merged and was not reverted.",
            [Text("pr_id"), Text("author")], null, new CorrectedBy("pr.reverted", "pr_id"), 20,
            [new("not-self-review", "author != actor")], true)
        {
            // An approval is a review only of work that shipped: the approved pull request, the author's, merged after it.
            ShippedBy = new("pr.merged", "pr_id", "author", "30d"),
            // 25 in 180 days per author: below Trusted Reviewer's silver (45); two reviews a week spread over four
            // colleagues give each about 13, and chance alone sometimes 20.
            Voices = new("author", PerVoice: 25, Window: "180d", Breadth: 3),
            // Approving a slicer's slices is one review per unit of the author's work, as the author's merges are.
            Units = new(80, "72h", By: "author"),
        },
    ];
}
