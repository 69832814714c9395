namespace Achievements.Rules.Tests;

public sealed class EvidenceTests
{
    private static readonly DateTimeOffset Now = Time.Now;

    // One employee's history, each event named for the tables. Now is Wednesday 15 January 2025,
    // noon; ISO weeks: 2-8 Dec (49), 9-15 Dec (50), 16-22 Dec (51), 6-12 Jan (2), 13-19 Jan (3).
    // Windows: 7d starts 8 Jan noon, 30d 16 Dec noon, 90d 17 Oct noon.
    private static readonly (string Name, RuleEvent Event)[] History =
    [
        ("old", Merged(Time.Utc(2023, 6, 1), "old", ai: true)),
        ("r2", Approved(Time.Utc(2024, 11, 1))),
        ("a5", Merged(Time.Utc(2024, 12, 4), "docs", ai: true)),
        ("a4", Merged(Time.Utc(2024, 12, 12), "api", ai: true)),
        ("a3", Merged(Time.Utc(2024, 12, 20), "web", ai: true)),
        ("p2", Merged(Time.Utc(2025, 1, 8, 9), "sandbox", reviewers: [])),
        ("rv1", RuleEvent.Create(TestCatalog.PrReverted, Time.Utc(2025, 1, 9), "ana", new Dictionary<string, AttributeValue> { ["pr_id"] = AttributeValue.Text("p") })),
        ("r1", Approved(Time.Utc(2025, 1, 10))),
        ("g2", Accepted(Time.Utc(2025, 1, 12, 8), 7, "rust")),
        ("s1", Score(Time.Utc(2025, 1, 12, 9), -3)),
        ("p1", Merged(Time.Utc(2025, 1, 13, 10), "web", ai: false)),
        ("s2", Score(Time.Utc(2025, 1, 13, 11), 5)),
        ("a1", Merged(Time.Utc(2025, 1, 14, 9), "api", ai: true, reviewers: ["bo", "cy"])),
        ("g1", Accepted(Time.Utc(2025, 1, 14, 10), 5, "go")),
        ("sh1", RuleEvent.Create(TestCatalog.SuggestionShown, Time.Utc(2025, 1, 14, 11), "ana", new Dictionary<string, AttributeValue> { ["lines"] = AttributeValue.Number(3) })),
        ("t1", RuleEvent.Create(TestCatalog.TokensConsumed, Time.Utc(2025, 1, 14, 12), "ana", new Dictionary<string, AttributeValue> { ["tokens"] = AttributeValue.Number(2_000_000) })),
        ("a2", Merged(Time.Utc(2025, 1, 14, 15), "api", ai: true)),
        ("late", Merged(Time.Utc(2025, 1, 15, 13), "api", ai: true)),
    ];

    private static readonly EmployeeEvents Events = EmployeeEvents.From(History.Select(h => h.Event));

    private static readonly Dictionary<RuleEvent, string> NameOf =
        History.ToDictionary<(string Name, RuleEvent Event), RuleEvent, string>(h => h.Event, h => h.Name, ReferenceEqualityComparer.Instance);

    // The events each rule lists as evidence, in the order they are added: time order within an
    // aggregation, the rule's order across aggregations.
    public static TheoryData<string, string> Metrics => Table.Parse("""
        // count: the events its where accepts, inside the window
        count(pr.merged, 7d)                                                   ⇶ p1 a1 a2
        count(pr.merged)                                                       ⇶ old a5 a4 a3 p2 p1 a1 a2
        count(pr.merged where ai_assisted == true, 90d)                        ⇶ a5 a4 a3 a1 a2
        count(pr.merged where not ai_assisted, 30d)                            ⇶ p2 p1
        count(pr.merged, 1m)                                                   ⇶ none

        // a ratio's evidence is its numerator's, a difference's its first operand's
        count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d) ⇶ a5 a4 a3 a1 a2
        count(suggestion.accepted) / count(suggestion.shown)                   ⇶ g2 g1
        count(pr.merged, 7d) - count(pr.reverted)                              ⇶ p1 a1 a2
        count(pr.merged, 7d) / sum(score.changed.delta)                        ⇶ p1 a1 a2
        count(pr.merged, 7d) - sum(score.changed.delta)                        ⇶ p1 a1 a2

        // unary minus takes the evidence away, twice gives it back
        count(pr.merged, 7d) + -days(review.approved)                          ⇶ p1 a1 a2
        count(pr.merged, 7d) - -days(review.approved)                          ⇶ p1 a1 a2 r2 r1

        // +, *, min and max: both sides
        count(pr.merged, 7d) + days(review.approved, 7d)                       ⇶ p1 a1 a2 r1
        count(pr.merged, 7d) * days(review.approved, 90d)                      ⇶ p1 a1 a2 r2 r1
        min(count(pr.merged, 7d), days(review.approved, 7d))                   ⇶ p1 a1 a2 r1
        max(count(review.approved), 3)                                         ⇶ r2 r1

        // over a numerator that can be negative, more of the denominator can raise the ratio too
        count(pr.merged, 7d) + sum(score.changed.delta) / count(review.approved) ⇶ p1 a1 a2 s1 s2 r2 r1

        // sum: the accepted events with a number
        sum(suggestion.accepted.lines where language == "go")                  ⇶ g1
        sum(pr.merged.lines_added, 30d)                                        ⇶ a3 p2 p1 a1 a2

        // days: every accepted event, not one per day
        days(pr.merged, 7d)                                                    ⇶ p1 a1 a2
        days(pr.merged where ai_assisted == true, 30d)                         ⇶ a3 a1 a2

        // distinct: every accepted event with a value, not one per value (p2 has no reviewers, no ai_assisted)
        distinct(pr.merged.repo, 365d)                                         ⇶ a5 a4 a3 p2 p1 a1 a2
        distinct(pr.merged.reviewers, 30d)                                     ⇶ a3 p1 a1 a2
        distinct(pr.merged.ai_assisted, 90d)                                   ⇶ a5 a4 a3 p1 a1 a2
        distinct(pr.merged.lines_added where repo == "api")                    ⇶ a4 a1 a2

        // streak: the events of the longest run only, and of the latest when runs tie
        streak(pr.merged, week)                                                ⇶ a5 a4 a3
        streak(pr.merged, week, 30d)                                           ⇶ p2 p1 a1 a2
        streak(pr.merged, day)                                                 ⇶ p1 a1 a2
        streak(pr.merged where ai_assisted == true, day)                       ⇶ a1 a2

        // an event two aggregations read is listed twice
        count(pr.merged, 7d) + days(pr.merged, 7d)                             ⇶ p1 a1 a2 p1 a1 a2
        """);

    [Theory]
    [MemberData(nameof(Metrics))]
    public void A_metric_lists_the_events_that_made_it(string source, string expected)
    {
        var rule = Compile(source, RuleKind.Metric);
        var evidence = new List<RuleEvent>();

        var value = rule.EvaluateMetric(Events, Now, evidence);

        Assert.Equal(rule.EvaluateMetric(Events, Now), value);
        Assert.Equal(expected, Names(evidence));
    }

    public static TheoryData<string, string> Requirements => Table.Parse("""
        count(pr.merged where ai_assisted == true, 90d) >= 5                   ⇶ a5 a4 a3 a1 a2
        count(suggestion.accepted, 30d) / count(suggestion.shown, 30d) >= 0.25 ⇶ g2 g1
        count(pr.merged, 7d) >= 1 and 10 >= count(pr.reverted)                 ⇶ p1 a1 a2
        not (count(pr.merged, 7d) < 1)                                         ⇶ p1 a1 a2

        // absence made it hold: no event is the reason
        count(pr.reverted) < 3                                                 ⇶ none

        // `or` stops at the side that decides; a side read before it is listed too
        count(review.approved, 7d) >= 1 or count(pr.merged, 7d) >= 1           ⇶ r1
        count(pr.merged, 7d) >= 100 or count(review.approved, 7d) >= 1         ⇶ p1 a1 a2 r1
        """);

    [Theory]
    [MemberData(nameof(Requirements))]
    public void A_requirement_lists_the_events_that_help_it_hold(string source, string expected)
    {
        var rule = Compile(source, RuleKind.Requirement);
        var evidence = new List<RuleEvent>();

        var holds = rule.EvaluateRequirement(Events, Now, evidence);

        Assert.True(holds);
        Assert.Equal(rule.EvaluateRequirement(Events, Now), holds);
        Assert.Equal(expected, Names(evidence));
    }

    [Fact]
    public void Frugal_builder_lists_its_ai_assisted_merges_and_not_the_plain_ones()
    {
        // The measured bug: evidence was every counted merge in the window, so plain merges were
        // listed as the reason for an award that only ai-assisted merges earn.
        var rule = Compile("count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d)", RuleKind.Metric);
        var assisted = Enumerable.Range(1, 8).Select(day => Merged(Now.AddDays(-day), ai: true)).ToArray();
        var plain = Enumerable.Range(1, 8).Select(day => Merged(Now.AddDays(-day).AddHours(-1), ai: day % 2 == 0 ? false : null)).ToArray();
        var tokens = RuleEvent.Create(TestCatalog.TokensConsumed, Now, "ana", new Dictionary<string, AttributeValue> { ["tokens"] = AttributeValue.Number(4_000_000) });
        var evidence = new List<RuleEvent>();

        var value = rule.EvaluateMetric(EmployeeEvents.From([.. assisted, .. plain, tokens]), Now, evidence);

        Assert.Equal(2, value);
        Assert.Equal(assisted.OrderBy(e => e.OccurredAt), evidence);
    }

    [Fact]
    public void A_set_keeps_an_event_two_aggregations_read_once()
    {
        var rule = Compile("count(pr.merged, 7d) + days(pr.merged, 30d)", RuleKind.Metric);
        var evidence = new HashSet<RuleEvent>(ReferenceEqualityComparer.Instance);

        rule.EvaluateMetric(Events, Now, evidence);

        Assert.Equal("a3 p2 p1 a1 a2", Names(evidence.OrderBy(e => e.OccurredAt)));
    }

    [Fact]
    public void Collecting_evidence_allocates_only_what_the_collection_does()
    {
        var rule = Compile("""
            distinct(pr.merged.repo where exists(reviewers, r, r != actor), 90d) + days(pr.merged, 30d)
            + streak(pr.merged, week) + distinct(pr.merged.reviewers) + sum(pr.merged.lines_added, 90d)
            + min(count(pr.merged where ai_assisted == true), 5) / count(suggestion.shown)
            """, RuleKind.Metric);
        var events = EmployeeEvents.From(Enumerable.Range(0, 200).Select(i => Merged(Now.AddHours(-i * 7), $"repo{i % 9}", ai: i % 3 == 0, reviewers: ["bo", $"r{i % 4}"])));
        var evidence = new List<RuleEvent>(capacity: 2_000);
        rule.EvaluateMetric(events, Now, evidence);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            evidence.Clear();
            rule.EvaluateMetric(events, Now, evidence);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEmpty(evidence);
    }

    private static CompiledRule Compile(string source, RuleKind kind)
    {
        var compilation = RuleCompiler.Compile(source, kind, TestCatalog.Catalog);
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        return compilation.Rule!;
    }

    private static string Names(IEnumerable<RuleEvent> evidence) =>
        evidence.Any() ? string.Join(" ", evidence.Select(e => NameOf.GetValueOrDefault(e, "?"))) : "none";

    private static RuleEvent Merged(DateTimeOffset at, string repo = "api", bool? ai = null, string[]? reviewers = null)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            ["pr_id"] = AttributeValue.Text($"{repo}-{at.UtcTicks}"),
            ["repo"] = AttributeValue.Text(repo),
            ["lines_added"] = AttributeValue.Number(10),
            ["lines_deleted"] = AttributeValue.Number(1),
            ["merged_by"] = AttributeValue.Text("bo"),
            ["reviewers"] = AttributeValue.List(reviewers ?? ["bo"]),
        };
        if (ai is { } assisted)
        {
            values["ai_assisted"] = AttributeValue.Bool(assisted);
        }

        return RuleEvent.Create(TestCatalog.PrMerged, at, "ana", values);
    }

    private static RuleEvent Approved(DateTimeOffset at) =>
        RuleEvent.Create(TestCatalog.ReviewApproved, at, "ana", new Dictionary<string, AttributeValue>
        {
            ["pr_id"] = AttributeValue.Text("p"),
            ["author"] = AttributeValue.Text("bo"),
        });

    private static RuleEvent Accepted(DateTimeOffset at, int lines, string language) =>
        RuleEvent.Create(TestCatalog.SuggestionAccepted, at, "ana", new Dictionary<string, AttributeValue>
        {
            ["suggestion_id"] = AttributeValue.Text("s"),
            ["lines"] = AttributeValue.Number(lines),
            ["language"] = AttributeValue.Text(language),
        });

    private static RuleEvent Score(DateTimeOffset at, double delta) =>
        RuleEvent.Create(TestCatalog.ScoreChanged, at, "ana", new Dictionary<string, AttributeValue> { ["delta"] = AttributeValue.Number(delta) });
}
