namespace Achievements.Rules.Tests;

public sealed class EvaluationTests
{
    private static readonly DateTimeOffset Now = Time.Now;

    private static RuleEvent Merged(DateTimeOffset at, string repo = "api", int added = 10, string actor = "ana",
        string[]? reviewers = null, bool? ai = null)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            ["pr_id"] = AttributeValue.Text(Guid.NewGuid().ToString()),
            ["repo"] = AttributeValue.Text(repo),
            ["lines_added"] = AttributeValue.Number(added),
            ["lines_deleted"] = AttributeValue.Number(1),
            ["merged_by"] = AttributeValue.Text("bo"),
            ["reviewers"] = AttributeValue.List(reviewers ?? ["bo"]),
        };
        if (ai is { } assisted)
        {
            values["ai_assisted"] = AttributeValue.Bool(assisted);
        }

        return RuleEvent.Create(TestCatalog.PrMerged, at, actor, values);
    }

    private static RuleEvent Accepted(DateTimeOffset at, int lines, string language = "go") =>
        RuleEvent.Create(TestCatalog.SuggestionAccepted, at, "ana", new Dictionary<string, AttributeValue>
        {
            ["suggestion_id"] = AttributeValue.Text("s"),
            ["lines"] = AttributeValue.Number(lines),
            ["language"] = AttributeValue.Text(language),
        });

    private static RuleEvent Shown(DateTimeOffset at) =>
        RuleEvent.Create(TestCatalog.SuggestionShown, at, "ana", new Dictionary<string, AttributeValue> { ["lines"] = AttributeValue.Number(3) });

    private static double Metric(string source, params RuleEvent[] events) =>
        Compile(source).EvaluateMetric(EmployeeEvents.From(events), Now);

    private static CompiledRule Compile(string source, RuleKind kind = RuleKind.Metric)
    {
        var compilation = RuleCompiler.Compile(source, kind, TestCatalog.Catalog);
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        return compilation.Rule!;
    }

    [Fact]
    public void Windows_are_half_open_excluding_now_minus_window_and_including_now()
    {
        var events = new[]
        {
            Merged(Now.AddDays(-1)),            // exactly now - window: out
            Merged(Now.AddDays(-1).AddTicks(1)), // just inside
            Merged(Now),                         // now: in
            Merged(Now.AddSeconds(1)),           // the future: out
        };
        Assert.Equal(2, Metric("count(pr.merged, 1d)", events));
        Assert.Equal(3, Metric("count(pr.merged)", events));
        Assert.Equal(2, Metric("count(pr.merged, 24h)", events));
        Assert.Equal(1, Metric("count(pr.merged, 1m)", events));
    }

    [Fact]
    public void Count_applies_the_where_filter()
    {
        var events = new[] { Merged(Now, "api", 60), Merged(Now, "sandbox", 80), Merged(Now, "web", 10), Merged(Now.AddDays(-100), "api", 90) };
        Assert.Equal(1, Metric("count(pr.merged where lines_added >= 50 and repo != \"sandbox\", 90d)", events));
    }

    [Fact]
    public void Sum_adds_a_numeric_attribute_of_matching_events()
    {
        var events = new[] { Accepted(Now.AddDays(-1), 5), Accepted(Now.AddDays(-2), 7, "rust"), Accepted(Now.AddDays(-40), 100) };
        Assert.Equal(12, Metric("sum(suggestion.accepted.lines, 30d)", events));
        Assert.Equal(5, Metric("sum(suggestion.accepted.lines where language == \"go\", 30d)", events));
        Assert.Equal(112, Metric("sum(suggestion.accepted.lines)", events));
    }

    [Fact]
    public void Distinct_counts_different_values_and_list_elements()
    {
        var events = new[]
        {
            Merged(Now, "api", reviewers: ["bo", "cy"]),
            Merged(Now.AddDays(-3), "web", reviewers: ["cy"]),
            Merged(Now.AddDays(-5), "api", reviewers: []),
            Merged(Now.AddDays(-400), "old"),
        };
        Assert.Equal(2, Metric("distinct(pr.merged.repo, 365d)", events));
        Assert.Equal(3, Metric("distinct(pr.merged.repo)", events));
        Assert.Equal(2, Metric("distinct(pr.merged.reviewers, 30d)", events));
        Assert.Equal(2 + 1 + 2, Metric("distinct(pr.merged.lines_added) + distinct(pr.merged.ai_assisted) + 2", Merged(Now, added: 1), Merged(Now, added: 2), Merged(Now, added: 1, ai: true)));
    }

    [Fact]
    public void Days_counts_distinct_utc_days()
    {
        var events = new[]
        {
            Merged(Time.Utc(2025, 1, 14, 23, 59)),
            Merged(Time.Utc(2025, 1, 15, 0, 1)),
            Merged(Time.Utc(2025, 1, 15, 11, 0)),
            // 01:00 at +02:00 is 23:00 UTC the day before.
            Merged(new DateTimeOffset(2025, 1, 13, 1, 0, 0, TimeSpan.FromHours(2))),
        };
        Assert.Equal(3, Metric("days(pr.merged, 90d)", events));
    }

    [Fact]
    public void A_gap_day_breaks_a_daily_streak()
    {
        var events = new[] { 1, 2, 3, 5, 6 }.Select(day => Merged(Time.Utc(2025, 1, day))).ToArray();
        Assert.Equal(3, Metric("streak(pr.merged, day)", events));
        Assert.Equal(2, Metric("streak(pr.merged, day, 11d)", events));
    }

    [Fact]
    public void Sunday_then_Monday_are_two_consecutive_iso_weeks()
    {
        Assert.Equal(2, Metric("streak(pr.merged, week)", Merged(Time.Utc(2025, 1, 5)), Merged(Time.Utc(2025, 1, 6))));
        Assert.Equal(1, Metric("streak(pr.merged, week)", Merged(Time.Utc(2025, 1, 6)), Merged(Time.Utc(2025, 1, 12, 23, 59))));
    }

    [Fact]
    public void Iso_weeks_run_across_the_year_end()
    {
        // Monday 30 December 2024 and Sunday 5 January 2025 are both in ISO week 1 of 2025.
        Assert.Equal(1, Metric("streak(pr.merged, week)", Merged(Time.Utc(2024, 12, 30)), Merged(Time.Utc(2025, 1, 5))));
        // Sunday 29 December 2024 is week 52 of 2024: then weeks 52, 1, 2 in a row.
        Assert.Equal(3, Metric("streak(pr.merged, week)", Merged(Time.Utc(2024, 12, 29)), Merged(Time.Utc(2025, 1, 1)), Merged(Time.Utc(2025, 1, 8))));
        Assert.Equal(2, Metric("streak(pr.merged, day)", Merged(Time.Utc(2024, 12, 31)), Merged(Time.Utc(2025, 1, 1))));
    }

    [Fact]
    public void An_empty_window_makes_every_aggregation_zero()
    {
        var old = Merged(Now.AddDays(-30));
        foreach (var source in new[] { "count(pr.merged, 7d)", "days(pr.merged, 7d)", "streak(pr.merged, week, 7d)", "distinct(pr.merged.repo, 7d)", "sum(pr.merged.lines_added, 7d)" })
        {
            Assert.Equal(0, Metric(source, old));
            Assert.Equal(0, Metric(source));
        }
    }

    [Fact]
    public void Dividing_by_no_activity_divides_by_one()
    {
        var accepted = new[] { Accepted(Now, 1), Accepted(Now, 1), Accepted(Now, 1) };
        Assert.Equal(3, Metric("count(suggestion.accepted) / count(suggestion.shown)", accepted));
        Assert.Equal(0.75, Metric("count(suggestion.accepted) / count(suggestion.shown)", [.. accepted, .. Enumerable.Range(0, 4).Select(_ => Shown(Now))]));
        Assert.Equal(0, Metric("count(suggestion.accepted) / count(suggestion.shown)"));
    }

    [Fact]
    public void Metrics_stay_finite_when_constants_overflow()
    {
        var huge = new string('9', 300);
        Assert.Equal(double.MaxValue, Metric($"count(pr.merged) * {huge} * {huge}", Merged(Now)));
        Assert.Equal(-double.MaxValue, Metric($"count(pr.merged) - {huge} * {huge}"));
    }

    [Fact]
    public void The_ratio_requirement_of_the_starter_badge_holds_at_a_quarter()
    {
        var rule = Compile("count(suggestion.accepted, 30d) / count(suggestion.shown, 30d) >= 0.25", RuleKind.Requirement);
        var shown = Enumerable.Range(0, 8).Select(_ => Shown(Now.AddDays(-1)));
        Assert.True(rule.EvaluateRequirement(EmployeeEvents.From([Accepted(Now, 1), Accepted(Now, 1), .. shown]), Now));
        Assert.False(rule.EvaluateRequirement(EmployeeEvents.From([Accepted(Now, 1), .. shown]), Now));
    }

    [Fact]
    public void A_missing_optional_attribute_makes_every_comparison_false()
    {
        var events = new[] { Merged(Now, ai: true), Merged(Now, ai: false), Merged(Now) };
        Assert.Equal(1, Metric("count(pr.merged where ai_assisted == true)", events));
        Assert.Equal(1, Metric("count(pr.merged where ai_assisted != true)", events));
        Assert.Equal(1, Metric("count(pr.merged where ai_assisted)", events));
        Assert.Equal(2, Metric("count(pr.merged where not ai_assisted)", events));

        var prompt = new RuleEvent("prompt.sent", Now, "ana", []);
        foreach (var condition in new[] { "tokens >= 0", "tokens < 0", "tokens == 0", "tokens != 0", "tokens + 1 > 0" })
        {
            Assert.False(Qualify(condition, "prompt.sent").Test(prompt), condition);
        }
    }

    [Fact]
    public void Starter_metric_for_ai_assisted_merges_per_million_tokens()
    {
        var tokens = RuleEvent.Create(TestCatalog.TokensConsumed, Now, "ana", new Dictionary<string, AttributeValue> { ["tokens"] = AttributeValue.Number(2_000_000) });
        Assert.Equal(1, Metric(
            "count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d)",
            Merged(Now, ai: true), Merged(Now, ai: true), Merged(Now, ai: false), tokens));
    }

    private static CompiledPredicate Qualify(string source, string signal)
    {
        var compilation = RuleCompiler.Compile(source, RuleKind.Qualify, TestCatalog.Catalog, signal);
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        return compilation.Predicate!;
    }

    [Fact]
    public void Self_merged_pull_requests_do_not_count()
    {
        var qualify = Qualify("exists(reviewers, r, r != actor)", "pr.merged");
        Assert.False(qualify.Test(Merged(Now, actor: "ana", reviewers: ["ana"])));
        Assert.False(qualify.Test(Merged(Now, actor: "ana", reviewers: [])));
        Assert.True(qualify.Test(Merged(Now, actor: "ana", reviewers: ["ana", "bo"])));
    }

    [Fact]
    public void Qualify_conditions_of_the_catalog_read_one_event()
    {
        Assert.True(Qualify("lines_added + lines_deleted >= 5", "pr.merged").Test(Merged(Now, added: 4)));
        Assert.False(Qualify("lines_added + lines_deleted >= 6", "pr.merged").Test(Merged(Now, added: 4)));
        Assert.True(Qualify("actor in reviewers or size(reviewers) >= 2", "pr.merged").Test(Merged(Now, reviewers: ["x", "y"])));
        Assert.True(Qualify("lines >= 1 and language in [\"go\", \"rust\"]", "suggestion.accepted").Test(Accepted(Now, 1, "rust")));

        var selfReview = RuleEvent.Create(TestCatalog.ReviewApproved, Now, "ana", new Dictionary<string, AttributeValue> { ["author"] = AttributeValue.Text("ana") });
        Assert.False(Qualify("author != actor", "review.approved").Test(selfReview));
        Assert.False(Qualify("true", "pr.merged").Test(selfReview));
    }

    [Fact]
    public void The_rule_lists_each_signal_with_its_widest_window()
    {
        var rule = Compile("count(pr.merged, 30d) + count(pr.merged, 90d) - count(pr.reverted) - count(pr.reverted, 7d) + days(review.approved, 2h)");
        Assert.Equal(
            [new SignalUse("pr.merged", TimeSpan.FromDays(90)), new SignalUse("pr.reverted", null), new SignalUse("review.approved", TimeSpan.FromHours(2))],
            rule.Signals);
    }

    [Fact]
    public void Events_may_arrive_unsorted()
    {
        var events = new[] { 5, 1, 3, 2 }.Select(day => Merged(Time.Utc(2025, 1, day)));
        Assert.Equal(3, Metric("streak(pr.merged, day)", [.. events]));
    }

    [Fact]
    public void Evaluation_allocates_nothing()
    {
        var rule = Compile("""
            distinct(pr.merged.repo where exists(reviewers, r, r != actor), 90d) + days(pr.merged, 30d)
            + streak(pr.merged, week) + distinct(pr.merged.reviewers) + distinct(pr.merged.lines_added)
            + min(sum(pr.merged.lines_added), 5) / count(suggestion.shown)
            """);
        var events = EmployeeEvents.From(Enumerable.Range(0, 200).Select(i => Merged(Now.AddHours(-i * 7), $"repo{i % 9}", i, reviewers: ["bo", $"r{i % 4}"])));

        var expected = rule.EvaluateMetric(events, Now);
        var total = 0.0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            total += rule.EvaluateMetric(events, Now);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(expected * 100, total);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Wrong_data_reads_as_missing_instead_of_throwing()
    {
        // Values in the wrong case or position, negative unsigned numbers, infinities.
        var odd = new RuleEvent("pr.merged", Now, "ana",
            [AttributeValue.Number(1), AttributeValue.Bool(true), AttributeValue.Number(double.PositiveInfinity), AttributeValue.Number(-50)]);
        Assert.Equal(0, Metric("sum(pr.merged.lines_added) + sum(pr.merged.lines_deleted) + distinct(pr.merged.repo) + distinct(pr.merged.reviewers)", odd));
        Assert.Equal(1, Metric("count(pr.merged where not (lines_added > 0) and not (repo == \"x\"))", odd));
    }
}
