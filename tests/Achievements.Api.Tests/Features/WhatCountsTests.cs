using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>Settlement, daily caps, corrections and clawback, durability and upgrades, as employees would see them.</summary>
public sealed class WhatCountsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = Personas.Now;

    [Fact]
    public async Task A_merge_is_pending_until_it_settles_and_the_sweep_then_grants_the_badge()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var i = 0; i < 9; i++)
        {
            events.PrMerged("ada", Now.AddDays(-30 - i));
        }

        events.PrMerged("ada", Now.AddDays(-2));
        await events.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
        var progress = await app.ProgressAsync("ada", "merge-master");
        Assert.Equal(9, progress.Counted("pr.merged"));
        Assert.Equal(1, progress.GetProperty("signals")[0].GetProperty("pending").GetInt32());

        // Five days later the last merge has settled; nothing new arrives, the settlement sweep finds it.
        app.Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        var summary = await app.EvaluateAsync();
        Assert.Equal(1, summary.GetProperty("granted").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
    }

    [Fact]
    public async Task Over_the_daily_cap_the_earliest_events_of_the_day_count_and_the_rest_are_excluded()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        var day = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 14; i++)
        {
            events.PrMerged("farmer", day.AddMinutes(30 * (14 - i)));
        }

        await events.SendAsync();
        await app.EvaluateAsync();

        var progress = await app.ProgressAsync("farmer", "merge-master");
        Assert.Equal(10, progress.Counted("pr.merged"));
        Assert.Equal(4, progress.Excluded("pr.merged", "daily-cap"));
        Assert.Equal("bronze", await app.TierOfAsync("farmer", "merge-master"));
    }

    [Fact]
    public async Task A_revert_that_arrives_after_the_award_claws_it_back_as_of_when_it_was_granted()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var i = 0; i < 10; i++)
        {
            events.PrMerged("ada", Now.AddDays(-20 - i), prId: $"ada-{i}");
        }

        var source = await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));

        app.Clock.Advance(TimeSpan.FromDays(3));
        await new Personas(app).PrReverted("release-manager", Now.AddDays(1), "ada-4").SendAsync(source);
        var summary = await app.EvaluateAsync();

        Assert.Equal(1, summary.GetProperty("revoked").GetInt32());
        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/merge-master", Ct)).JsonAsync();
        Assert.Equal("revoked", award.GetProperty("status").GetString());
        Assert.Equal("corrected", award.GetProperty("reason").GetString());
        Assert.Equal(["granted", "revoked"], award.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        Assert.Equal(1, (await app.ProgressAsync("ada", "merge-master")).Excluded("pr.merged", "corrected"));
    }

    [Fact]
    public async Task A_correction_downgrades_to_the_tier_still_earned_and_spares_an_award_that_did_not_need_the_outcome()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "two-tier",
            name = "Two tier",
            icon = "2",
            metric = "count(pr.merged, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 8 }, new { name = "silver", threshold = 10 } },
        });
        await (await app.Admin().PostJsonAsync("/api/v1/badges/two-tier/publish", new { })).JsonAsync();
        var events = new Personas(app);
        for (var i = 0; i < 10; i++)
        {
            // Two of three reviewers in turn: silver, a tier above the lowest, needs three voices and rests on no one of them.
            events.PrMerged("ada", Now.AddDays(-20 - i), reviewers: [$"reviewer-{i % 3 + 1}", $"reviewer-{(i + 1) % 3 + 1}"], prId: $"ada-{i}");
        }

        var source = await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("silver", await app.TierOfAsync("ada", "two-tier"));

        await new Personas(app).PrReverted("ops", Now, "ada-1").SendAsync(source);
        var summary = await app.EvaluateAsync();

        Assert.Equal(1, summary.GetProperty("downgraded").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "two-tier"));
    }

    [Fact]
    public async Task Awards_are_durable_when_a_rolling_window_later_drops_below_the_threshold()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 10, everyDays: 20).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));

        app.Clock.Advance(TimeSpan.FromDays(300));
        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { })).JsonAsync();
        await app.EvaluateAsync();

        Assert.True((await app.ProgressAsync("ada", "merge-master")).GetProperty("value").GetDouble() < 10);
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
    }

    [Fact]
    public async Task Reaching_a_higher_tier_upgrades_the_award_and_keeps_its_history()
    {
        await using var app = new AchievementsApp();
        var source = await new Personas(app).HonestDeveloper("ada", pullRequests: 8, everyDays: 1).SendAsync();
        await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "small-steps",
            name = "Small steps",
            icon = "👣",
            metric = "count(pr.merged, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 8 }, new { name = "silver", threshold = 11 } },
        });
        await (await app.Admin().PostJsonAsync("/api/v1/badges/small-steps/publish", new { })).JsonAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "small-steps"));

        var more = new Personas(app);
        for (var i = 0; i < 3; i++)
        {
            // Two reviewers each: the silver rests on no one voice alone.
            more.PrMerged("ada", Now.AddDays(-15 - i), reviewers: ["reviewer-1", "reviewer-2"], prId: $"more-{i}");
        }

        await more.SendAsync(source);
        Assert.Equal(1, (await app.EvaluateAsync()).GetProperty("upgraded").GetInt32());

        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/small-steps", Ct)).JsonAsync();
        Assert.Equal("silver", award.GetProperty("tier").GetString());
        Assert.Equal(11, award.GetProperty("evidence").GetArrayLength());
        Assert.Equal(["granted", "upgraded"], award.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        Assert.Equal(["bronze", "silver"], award.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("tier").GetString()));
    }

    [Fact]
    public async Task One_reviewer_alone_carries_nobody_past_the_first_tier_and_progress_says_so()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var i = 0; i < 45; i++)
        {
            events.PrMerged("pat", Now.AddDays(-10 - i * 7), reviewers: ["reviewer-1"]);
        }

        await events.SendAsync();
        await app.EvaluateAsync();

        // One reviewer vouches for 30 merges a year: the oldest 30 count, a 30-week run that would be gold.
        var shipper = await app.ProgressAsync("pat", "steady-shipper");
        Assert.Equal(30, shipper.GetProperty("value").GetDouble());
        Assert.Equal("bronze", shipper.GetProperty("tier").GetString());
        Assert.Equal("one-voice", shipper.GetProperty("limitedBy").GetString());
        Assert.Equal(1, shipper.GetProperty("voices").GetProperty("count").GetInt32());
        Assert.Equal(3, shipper.GetProperty("voices").GetProperty("needed").GetInt32());
        var merges = await app.ProgressAsync("pat", "merge-master");
        Assert.Equal(30, merges.Counted("pr.merged"));
        Assert.Equal(15, merges.Excluded("pr.merged", "one-voice"));
    }

    [Fact]
    public async Task Frugal_builder_cannot_judge_spend_that_only_the_editor_reported()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var i = 0; i < 8; i++)
        {
            events.PrMerged("eve", Now.AddDays(-10 - i * 5), reviewers: [$"reviewer-{i % 3 + 1}"], aiAssisted: true);
        }

        events.Tokens("eve", Now.AddDays(-5), 100_000, source: "editor");
        var source = await events.SendAsync();
        await app.EvaluateAsync();

        var unmeasured = await app.ProgressAsync("eve", "frugal-builder");
        Assert.Equal("unmeasured", unmeasured.GetProperty("limitedBy").GetString());
        Assert.Equal(JsonValueKind.Null, unmeasured.GetProperty("tier").ValueKind);

        // Once the gateway reports, the badge judges all the spend: 8 merges per 400 000 tokens is 20 a million.
        await new Personas(app).Tokens("eve", Now.AddDays(-4), 300_000).SendAsync(source);
        await app.EvaluateAsync();

        var measured = await app.ProgressAsync("eve", "frugal-builder");
        Assert.Equal(JsonValueKind.Null, measured.GetProperty("limitedBy").ValueKind);
        Assert.Equal(20, measured.GetProperty("value").GetDouble());
        Assert.Equal("bronze", await app.TierOfAsync("eve", "frugal-builder"));
    }

    [Fact]
    public async Task Evaluating_twice_grants_nothing_twice()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        Assert.True((await app.EvaluateAsync()).GetProperty("granted").GetInt32() >= 1);
        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { })).JsonAsync();
        var again = await app.EvaluateAsync();
        Assert.Equal(0, again.GetProperty("granted").GetInt32());
        Assert.Equal(0, again.GetProperty("upgraded").GetInt32());
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/merge-master", Ct)).JsonAsync();
        Assert.Single(award.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task Removing_the_independent_review_condition_from_the_catalog_lets_self_merges_count_and_is_audited()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var i = 0; i < 12; i++)
        {
            events.PrMerged("solo", Now.AddDays(-10 - i * 5), reviewers: ["solo"]);
        }

        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Null(await app.TierOfAsync("solo", "merge-master"));

        var changed = await app.Admin().PutAsync("/api/v1/signals/pr.merged", new StringContent("""
            {"settlement":"7d","correctedBy":{"signal":"pr.reverted","on":"pr_id"},"dailyCap":10,
             "qualify":[{"name":"non-trivial","condition":"lines_added + lines_deleted >= 5"}]}
            """, System.Text.Encoding.UTF8, "application/json"), Ct);
        await changed.JsonAsync();
        await app.EvaluateAsync();

        Assert.Equal("bronze", await app.TierOfAsync("solo", "merge-master"));
        var audit = await (await app.Admin().GetAsync("/api/v1/audit", Ct)).JsonAsync();
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "signal.policy-changed");
    }

    [Fact]
    public async Task A_qualify_condition_that_does_not_compile_is_refused_with_its_diagnostics()
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PutAsync("/api/v1/signals/pr.merged", new StringContent("""
            {"settlement":"7d","qualify":[{"name":"typo","condition":"exists(reviewer, r, r != actor)"},{"name":"agg","condition":"count(pr.merged) > 1"}]}
            """, System.Text.Encoding.UTF8, "application/json"), Ct);
        var problem = await Problem.AssertAsync(response, System.Net.HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToList();
        Assert.Contains("qualify[0].condition", fields);
        Assert.Contains("qualify[1].condition", fields);
        var signals = await (await app.Admin().GetAsync("/api/v1/signals", Ct)).JsonAsync();
        Assert.Equal(2, signals.EnumerateArray().Single(s => s.GetProperty("type").GetString() == "pr.merged").GetProperty("qualify").GetArrayLength());
    }
}
