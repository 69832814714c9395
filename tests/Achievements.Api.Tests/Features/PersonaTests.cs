using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// A year in the life of an honest developer and of six people trying to get badges without the work.
/// Only outcomes that shipped, were reviewed by someone else and stuck earn anything.
/// </summary>
public sealed class PersonaTests
{
    private static readonly DateTimeOffset Now = Personas.Now;

    [Fact]
    public async Task An_honest_developer_earns_merge_master_bronze()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("honest", pullRequests: 20).SendAsync();

        var summary = await app.EvaluateAsync();

        Assert.True(summary.GetProperty("granted").GetInt32() >= 1);
        Assert.Equal("bronze", await app.TierOfAsync("honest", "merge-master"));
        var progress = await app.ProgressAsync("honest", "merge-master");
        Assert.Equal(20, progress.GetProperty("value").GetDouble());
        Assert.Equal("silver", progress.GetProperty("next").GetProperty("tier").GetString());
        Assert.Equal(0.4, progress.GetProperty("fraction").GetDouble(), 3);
    }

    [Fact]
    public async Task A_token_burner_earns_nothing_however_many_tokens_and_prompts()
    {
        await using var app = new AchievementsApp();
        var burner = new Personas(app);
        for (var day = 1; day < 360; day++)
        {
            burner.Tokens("burner", Now.AddDays(-day), 2_000_000);
            burner.Prompt("burner", Now.AddDays(-day).AddMinutes(1));
            burner.Prompt("burner", Now.AddDays(-day).AddMinutes(2));
        }

        burner.PrMerged("burner", Now.AddDays(-30)).PrMerged("burner", Now.AddDays(-60));
        await burner.SendAsync();
        await app.EvaluateAsync();

        Assert.Empty((await app.BadgesOfAsync("burner")).GetProperty("badges").EnumerateArray());
        var progress = await app.ProgressAsync("burner", "merge-master");
        Assert.Equal(2, progress.GetProperty("value").GetDouble());
        Assert.Equal(10, progress.GetProperty("next").GetProperty("threshold").GetDouble());
        Assert.DoesNotContain(progress.GetProperty("signals").EnumerateArray(), s => s.GetProperty("type").GetString() == "tokens.consumed");
        // Frugal builder does read tokens, and only as a denominator: spending more can only lower it.
        var frugal = await app.ProgressAsync("burner", "frugal-builder");
        Assert.Equal(0, frugal.GetProperty("value").GetDouble());
        Assert.False(frugal.GetProperty("requirements")[0].GetProperty("satisfied").GetBoolean());
    }

    [Fact]
    public async Task A_self_merger_earns_nothing_and_learns_that_nobody_else_reviewed()
    {
        await using var app = new AchievementsApp();
        var selfMerger = new Personas(app);
        for (var i = 0; i < 30; i++)
        {
            selfMerger.PrMerged("solo", Now.AddDays(-10 - i * 5), reviewers: ["solo"]);
        }

        await selfMerger.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("solo", "merge-master"));
        var progress = await app.ProgressAsync("solo", "merge-master");
        Assert.Equal(0, progress.GetProperty("value").GetDouble());
        Assert.Equal(30, progress.Excluded("pr.merged", "independent-review"));
    }

    [Fact]
    public async Task A_trivial_pull_request_splitter_earns_nothing()
    {
        await using var app = new AchievementsApp();
        var splitter = new Personas(app);
        for (var i = 0; i < 40; i++)
        {
            splitter.PrMerged("splitter", Now.AddDays(-10 - i * 3), linesAdded: 1, linesDeleted: 1);
        }

        await splitter.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("splitter", "merge-master"));
        Assert.Equal(40, (await app.ProgressAsync("splitter", "merge-master")).Excluded("pr.merged", "non-trivial"));
    }

    [Fact]
    public async Task A_reverter_earns_nothing_because_reverted_merges_do_not_count()
    {
        await using var app = new AchievementsApp();
        var reverter = new Personas(app);
        for (var i = 0; i < 15; i++)
        {
            var at = Now.AddDays(-20 - i * 10);
            reverter.PrMerged("reverter", at, prId: $"bad-{i}").PrReverted("someone-else", at.AddDays(2), $"bad-{i}");
        }

        await reverter.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("reverter", "merge-master"));
        Assert.Equal(15, (await app.ProgressAsync("reverter", "merge-master")).Excluded("pr.merged", "corrected"));
    }

    [Fact]
    public async Task A_bot_earns_nothing_and_is_no_independent_reviewer()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ci-bot", "CI bot", isBot: true);
        await app.PutEmployeeAsync("dev", "Dev");
        var events = new Personas(app);
        for (var i = 0; i < 20; i++)
        {
            events.PrMerged("ci-bot", Now.AddDays(-10 - i * 7), reviewers: ["reviewer-1"]);
            events.PrMerged("dev", Now.AddDays(-10 - i * 7), reviewers: ["ci-bot"]);
        }

        await events.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("ci-bot", "merge-master"));
        Assert.Equal(20, (await app.ProgressAsync("ci-bot", "merge-master")).Excluded("pr.merged", "bot"));
        Assert.Null(await app.TierOfAsync("dev", "merge-master"));
        Assert.Equal(20, (await app.ProgressAsync("dev", "merge-master")).Excluded("pr.merged", "independent-review"));
    }

    [Fact]
    public async Task A_replayer_of_the_same_event_ids_counts_each_outcome_once()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var original = new Personas(app);
        for (var i = 0; i < 6; i++)
        {
            original.PrMerged("replayer", Now.AddDays(-10 - i * 7), prId: $"real-{i}");
        }

        var batch = original.Pending.ToArray();
        await original.SendAsync(source);
        for (var replay = 0; replay < 5; replay++)
        {
            var result = await (await source.PostJsonAsync("/api/v1/events", new { events = batch })).JsonAsync();
            Assert.Equal(6, result.GetProperty("duplicates").GetInt32());
        }

        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("replayer", "merge-master"));
        var progress = await app.ProgressAsync("replayer", "merge-master");
        Assert.Equal(6, progress.GetProperty("value").GetDouble());
        Assert.Equal(6, progress.Counted("pr.merged"));
    }
}
