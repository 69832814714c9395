using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// One app for the evidence tests, with the badges they publish: publishing runs the adversarial gate, whose persona
/// library each app judges once, so sharing it saves a judging per badge. Each test has an employee of its own.
/// </summary>
public sealed class EvidenceBadges : IAsyncLifetime
{
    public AchievementsApp App { get; } = new();

    public async ValueTask InitializeAsync()
    {
        // The gate's farming personas merge into six repos, so a distinct-repo badge starts at seven.
        await PublishAsync("many-repos", "distinct(pr.merged.repo, 365d)", threshold: 7);
        await PublishAsync("four-weeks", "streak(pr.merged, week, 365d)", threshold: 4);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();

    private async Task PublishAsync(string key, string metric, double threshold)
    {
        await (await App.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key,
            name = key,
            icon = "🧾",
            metric,
            tiers = new[] { new { name = "bronze", threshold } },
        })).JsonAsync(System.Net.HttpStatusCode.Created);
        await (await App.Admin().PostJsonAsync($"/api/v1/badges/{key}/publish", new { })).JsonAsync();
    }
}

/// <summary>An award lists exactly the events that made its metric, by the ids their source sent.</summary>
public sealed class EvidenceTests(EvidenceBadges badges) : IClassFixture<EvidenceBadges>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = Personas.Now;

    private AchievementsApp App => badges.App;

    [Fact]
    public async Task Frugal_builder_evidence_holds_the_ai_assisted_merges_and_none_of_the_plain_ones()
    {
        var events = new Personas(App);
        var assisted = new List<string>();
        for (var day = 10; day < 18; day++)
        {
            assisted.Add(LastId(events.PrMerged("fay", Now.AddDays(-day), aiAssisted: true)));
            events.PrMerged("fay", Now.AddDays(-day).AddHours(-1), aiAssisted: day % 2 == 0 ? false : null);
        }

        events.Tokens("fay", Now.AddDays(-5), 250_000).Tokens("fay", Now.AddDays(-20), 150_000);
        await events.SendAsync();
        await App.EvaluateAsync();

        // 8 AI-assisted merges per 400 000 tokens: 20 per million.
        var award = await AwardAsync("fay", "frugal-builder");
        Assert.Equal("bronze", award.GetProperty("tier").GetString());
        Assert.Equal(20, award.GetProperty("value").GetDouble());
        Assert.Equal(assisted.Order(StringComparer.Ordinal), EvidenceIds(award));
    }

    [Fact]
    public async Task A_distinct_badge_lists_every_counted_merge_of_its_window_that_names_a_repo()
    {
        var events = new Personas(App);
        string[] counted =
        [
            LastId(events.PrMerged("dee", Now.AddDays(-300), repo: "api")),
            LastId(events.PrMerged("dee", Now.AddDays(-250), repo: "billing")),
            LastId(events.PrMerged("dee", Now.AddDays(-200), repo: "mobile")),
            LastId(events.PrMerged("dee", Now.AddDays(-150), repo: "infra")),
            LastId(events.PrMerged("dee", Now.AddDays(-120), repo: "web")),
            LastId(events.PrMerged("dee", Now.AddDays(-60), repo: "web")),
            LastId(events.PrMerged("dee", Now.AddDays(-30), repo: "search")),
            LastId(events.PrMerged("dee", Now.AddDays(-10), repo: "docs")),
        ];
        // Older than the year, without an independent review, not settled yet: no evidence, and no repo of the value.
        events.PrMerged("dee", Now.AddDays(-380), repo: "legacy")
            .PrMerged("dee", Now.AddDays(-40), reviewers: ["dee"], repo: "sandbox")
            .PrMerged("dee", Now.AddDays(-2), repo: "ops");
        await events.SendAsync();
        await App.EvaluateAsync();

        var award = await AwardAsync("dee", "many-repos");
        Assert.Equal(7, award.GetProperty("value").GetDouble());
        Assert.Equal(counted.Order(StringComparer.Ordinal), EvidenceIds(award));
    }

    [Fact]
    public async Task A_streak_badge_lists_only_the_merges_of_the_longest_run_of_weeks()
    {
        var events = new Personas(App);
        // Now is Monday 1 June 2026. ISO weeks 14-15 hold a run of two; 18-21 a run of four, week 20 twice.
        events.PrMerged("wes", Now.AddDays(-57)).PrMerged("wes", Now.AddDays(-50));
        string[] longest =
        [
            LastId(events.PrMerged("wes", Now.AddDays(-29))),
            LastId(events.PrMerged("wes", Now.AddDays(-22))),
            LastId(events.PrMerged("wes", Now.AddDays(-20))),
            LastId(events.PrMerged("wes", Now.AddDays(-15))),
            LastId(events.PrMerged("wes", Now.AddDays(-8))),
        ];
        // Week 17's self-review and week 22's unsettled merge would join and lengthen the runs, but do not count.
        events.PrMerged("wes", Now.AddDays(-36), reviewers: ["wes"]).PrMerged("wes", Now.AddDays(-2));
        await events.SendAsync();
        await App.EvaluateAsync();

        var award = await AwardAsync("wes", "four-weeks");
        Assert.Equal(4, award.GetProperty("value").GetDouble());
        Assert.Equal(longest.Order(StringComparer.Ordinal), EvidenceIds(award));
    }

    private static string LastId(Personas events) => (string)events.Pending[^1]["id"]!;

    private async Task<JsonElement> AwardAsync(string employee, string badge)
    {
        var award = await (await App.Admin().GetAsync($"/api/v1/employees/{employee}/badges/{badge}", Ct)).JsonAsync();
        Assert.Equal("active", award.GetProperty("status").GetString());
        return award;
    }

    private static IEnumerable<string> EvidenceIds(JsonElement award) =>
        award.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal);
}
