using System.Net;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>Before a rule goes live it must stop every farming persona: the adversarial gate on publishing.</summary>
public sealed class AdversarialGateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("merge-master")]
    [InlineData("suggestion-savant")]
    [InlineData("trusted-reviewer")]
    [InlineData("steady-shipper")]
    [InlineData("frugal-builder")]
    public async Task Every_starter_badge_passes_the_gate(string key)
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostJsonAsync($"/api/v1/badges/{key}/publish", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_independent_review_in_the_catalog_the_gate_refuses_merge_master_and_names_the_self_merger()
    {
        await using var app = new AchievementsApp();
        var changed = await app.Admin().PutAsync("/api/v1/signals/pr.merged", new StringContent("""
            {"settlement":"7d","correctedBy":{"signal":"pr.reverted","on":"pr_id"},"dailyCap":10,
             "qualify":[{"name":"non-trivial","condition":"lines_added + lines_deleted >= 5"}]}
            """, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var refused = await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { });

        var problem = await Problem.AssertAsync(refused, HttpStatusCode.UnprocessableEntity);
        var personas = problem.GetProperty("personas").EnumerateArray().Select(p => p.GetProperty("persona").GetString()).ToList();
        Assert.Contains("self-merger", personas);
        Assert.Contains("self-merger", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_warns_about_personas_that_beat_a_rule_and_about_a_rule_most_people_would_pass()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("ada", 3).HonestDeveloper("bob", 2).SendAsync();
        var preview = await (await app.Admin().PostJsonAsync("/api/v1/badges/preview", new
        {
            key = "anything-goes",
            name = "Anything goes",
            icon = "🎉",
            metric = "count(pr.merged where repo != \"x\") + count(review.approved) + count(suggestion.accepted)",
            tiers = new[] { new { name = "bronze", threshold = 1 } },
        })).JsonAsync();

        var codes = preview.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).ToList();
        Assert.Contains("too-easy", codes);
    }

    [Fact]
    public async Task A_rule_that_a_persona_beats_is_refused_on_publish_and_stays_a_draft()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PutAsync("/api/v1/signals/review.approved", new StringContent("""{"dailyCap":20,"qualify":[]}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "approver",
            name = "Approver",
            icon = "✅",
            metric = "count(review.approved, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 5 } },
        });

        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges/approver/publish", new { }), HttpStatusCode.UnprocessableEntity);
        var badge = await (await app.Admin().GetAsync("/api/v1/badges/approver", Ct)).JsonAsync();
        Assert.Equal("draft", badge.GetProperty("status").GetString());
    }
}
