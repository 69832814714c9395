using System.Net;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

public sealed class BadgeAuthoringTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = Personas.Now;

    private static object Definition(string key = "reviewed-shipper", string metric = "count(pr.merged, 90d)", string[]? requires = null, object[]? tiers = null) => new
    {
        key,
        name = "Reviewed Shipper",
        description = "Merged and reviewed pull requests.",
        icon = "🚢",
        metric,
        requires = requires ?? [],
        tiers = tiers ?? [new { name = "bronze", threshold = 3 }, new { name = "silver", threshold = 6 }],
    };

    [Fact]
    public async Task A_new_database_has_the_starter_badges_published()
    {
        await using var app = new AchievementsApp();
        var badges = await (await app.Anonymous().GetAsync("/api/v1/badges", Ct)).JsonAsync();
        var keys = badges.EnumerateArray().Select(b => b.GetProperty("key").GetString()).ToList();
        Assert.Equal(["frugal-builder", "merge-master", "steady-shipper", "suggestion-savant", "trusted-reviewer"], keys);
        Assert.All(badges.EnumerateArray(), b => Assert.Equal("published", b.GetProperty("status").GetString()));
        var merge = badges.EnumerateArray().Single(b => b.GetProperty("key").GetString() == "merge-master");
        Assert.Equal("count(pr.merged, 365d)", merge.GetProperty("metric").GetString());
        Assert.Equal([10.0, 50.0, 200.0], merge.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("threshold").GetDouble()));
    }

    [Fact]
    public async Task Creating_a_badge_stores_version_1_as_a_draft_that_nobody_else_sees()
    {
        await using var app = new AchievementsApp();
        var created = await (await app.Admin().PostJsonAsync("/api/v1/badges", Definition())).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal("draft", created.GetProperty("status").GetString());

        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/badges/reviewed-shipper", Ct), HttpStatusCode.NotFound);
        Assert.Equal("draft", (await (await app.Admin().GetAsync("/api/v1/badges/reviewed-shipper", Ct)).JsonAsync()).GetProperty("status").GetString());
        var drafts = await (await app.Admin().GetAsync("/api/v1/badges?status=draft", Ct)).JsonAsync();
        Assert.Single(drafts.EnumerateArray());
        await Problem.AssertAsync(await (await app.ClientFor("viewer")).GetAsync("/api/v1/badges?status=draft", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_taken_badge_key_is_a_409_problem()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges", Definition(key: "merge-master")), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_rule_that_does_not_compile_is_a_400_listing_each_diagnostic_with_its_field_and_position()
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostJsonAsync("/api/v1/badges", Definition(metric: "count(pr.merge, 90d)", requires: ["count(tokens.consumed) >= 10"]));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        var diagnostics = problem.GetProperty("diagnostics").EnumerateArray().ToList();

        var unknown = diagnostics.Single(d => d.GetProperty("field").GetString() == "metric");
        Assert.Equal("RL101", unknown.GetProperty("code").GetString());
        Assert.Contains("did you mean 'pr.merged'", unknown.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(6, unknown.GetProperty("start").GetInt32());
        Assert.Equal(8, unknown.GetProperty("length").GetInt32());
        Assert.Equal(1, unknown.GetProperty("line").GetInt32());
        Assert.Equal(7, unknown.GetProperty("column").GetInt32());

        var volume = diagnostics.Single(d => d.GetProperty("field").GetString() == "requires[0]");
        Assert.Equal("AG001", volume.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("count(tokens.consumed, 30d)", "AG001")]
    [InlineData("count(pr.merged) + count(prompt.sent) / 100", "AG001")]
    [InlineData("count(pr.merged) * sum(tokens.consumed.tokens)", "AG001")]
    [InlineData("100 - count(pr.reverted)", "AG002")]
    public async Task No_badge_can_be_earned_by_volume(string metric, string code)
    {
        await using var app = new AchievementsApp();
        var problem = await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges", Definition(metric: metric)), HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == code);
    }

    public static TheoryData<string, string> BadShapes => new()
    {
        { """{"key":"A","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"bronze","threshold":1}]}""", "key" },
        { """{"key":"ok-key","name":"","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"bronze","threshold":1}]}""", "name" },
        { """{"key":"ok-key","name":"n","icon":"<svg>","metric":"count(pr.merged)","tiers":[{"name":"bronze","threshold":1}]}""", "icon" },
        { """{"key":"ok-key","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[]}""", "tiers" },
        { """{"key":"ok-key","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"a","threshold":5},{"name":"b","threshold":5}]}""", "tiers" },
        { """{"key":"ok-key","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"a","threshold":5},{"name":"a","threshold":6}]}""", "tiers" },
        { """{"key":"ok-key","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"a","threshold":0}]}""", "tiers[0].threshold" },
        { """{"key":"ok-key","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"a","threshold":1},{"name":"b","threshold":2},{"name":"c","threshold":3},{"name":"d","threshold":4},{"name":"e","threshold":5},{"name":"f","threshold":6}]}""", "tiers" },
        { """{"key":"ok-key","name":"n","icon":"x","tiers":[{"name":"a","threshold":1}]}""", "metric" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public async Task A_badge_of_the_wrong_shape_is_a_400_naming_the_field(string body, string field)
    {
        await using var app = new AchievementsApp();
        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PostAsync("/api/v1/badges", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct));
        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData("🚀")]
    [InlineData("👩‍💻")]
    [InlineData("JS")]
    [InlineData("★")]
    public async Task An_icon_is_one_emoji_or_up_to_two_characters(string icon)
    {
        await using var app = new AchievementsApp();
        var body = JsonSerializer.Serialize(new { key = "iconic", name = "n", icon, metric = "count(pr.merged)", tiers = new[] { new { name = "bronze", threshold = 1 } } });
        Assert.Equal(HttpStatusCode.Created, (await app.Admin().PostAsync("/api/v1/badges", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_new_version_stays_a_draft_while_the_published_one_keeps_running_until_it_is_published()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("honest", pullRequests: 4, everyDays: 7).SendAsync();
        await app.Admin().PostJsonAsync("/api/v1/badges", Definition());
        await (await app.Admin().PostJsonAsync("/api/v1/badges/reviewed-shipper/publish", new { })).JsonAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("honest", "reviewed-shipper"));

        var v2 = await (await app.Admin().PutAsync("/api/v1/badges/reviewed-shipper", Problem.JsonBody(Definition(tiers: [new { name = "bronze", threshold = 2 }, new { name = "silver", threshold = 4 }])), Ct)).JsonAsync();
        Assert.Equal(2, v2.GetProperty("version").GetInt32());
        var live = await (await app.Anonymous().GetAsync("/api/v1/badges/reviewed-shipper", Ct)).JsonAsync();
        Assert.Equal(1, live.GetProperty("version").GetInt32());
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("honest", "reviewed-shipper"));

        var change = await (await app.Admin().PostJsonAsync("/api/v1/badges/reviewed-shipper/preview", new { })).JsonAsync();
        Assert.Equal("honest", change.GetProperty("gains")[0].GetProperty("employee").GetString());
        Assert.Equal("silver", change.GetProperty("gains")[0].GetProperty("to").GetString());
        Assert.Empty(change.GetProperty("losses").EnumerateArray());

        var published = await (await app.Admin().PostJsonAsync("/api/v1/badges/reviewed-shipper/publish", new { })).JsonAsync();
        Assert.Equal(2, published.GetProperty("liveVersion").GetInt32());
        var summary = await app.EvaluateAsync();
        Assert.Equal(1, summary.GetProperty("upgraded").GetInt32());
        Assert.Equal("silver", await app.TierOfAsync("honest", "reviewed-shipper"));

        var versions = await (await app.Admin().GetAsync("/api/v1/badges/reviewed-shipper/versions", Ct)).JsonAsync();
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var badge = await (await app.Anonymous().GetAsync("/api/v1/badges/reviewed-shipper", Ct)).JsonAsync();
        Assert.Equal(1, badge.GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "silver").GetProperty("holders").GetInt32());
        var holders = await (await app.Anonymous().GetAsync("/api/v1/badges/reviewed-shipper/holders?tier=silver", Ct)).JsonAsync();
        Assert.Equal("honest", holders[0].GetProperty("employee").GetString());
    }

    [Fact]
    public async Task Archiving_hides_a_badge_and_its_awards_and_unarchiving_brings_them_back()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("honest", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("honest", "merge-master"));

        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/archive", new { })).JsonAsync();
        Assert.Null(await app.TierOfAsync("honest", "merge-master"));
        Assert.DoesNotContain((await (await app.Anonymous().GetAsync("/api/v1/badges", Ct)).JsonAsync()).EnumerateArray(), b => b.GetProperty("key").GetString() == "merge-master");
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/badges/merge-master", Ct), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await (await app.Admin().GetAsync("/api/v1/employees/honest/progress", Ct)).JsonAsync()).GetProperty("badges").EnumerateArray(), b => b.GetProperty("badge").GetString() == "merge-master");

        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { }), HttpStatusCode.Conflict);
        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/unarchive", new { })).JsonAsync();
        Assert.Equal("bronze", await app.TierOfAsync("honest", "merge-master"));
    }

    [Fact]
    public async Task Validate_answers_an_editor_with_diagnostics_and_the_signals_a_rule_reads()
    {
        await using var app = new AchievementsApp();
        var ok = await (await app.Admin().PostJsonAsync("/api/v1/rules/validate", new { metric = "count(pr.merged, 90d) / count(suggestion.shown, 90d)", requires = Array.Empty<string>() })).JsonAsync();
        Assert.True(ok.GetProperty("valid").GetBoolean());
        Assert.Empty(ok.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(["pr.merged", "suggestion.shown"], ok.GetProperty("signals").EnumerateArray().Select(s => s.GetProperty("type").GetString()));

        var bad = await (await app.Admin().PostJsonAsync("/api/v1/rules/validate", new { metric = "count(pr.merged", requires = new[] { "sum(pr.merged.repo) > 1" } })).JsonAsync();
        Assert.False(bad.GetProperty("valid").GetBoolean());
        Assert.Contains(bad.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("field").GetString() == "metric");
        Assert.Contains(bad.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("field").GetString() == "requires[0]");
    }

    [Fact]
    public async Task Preview_counts_who_would_reach_each_tier_without_writing_anything()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("ada", 8, everyDays: 5).HonestDeveloper("bob", 3, everyDays: 5).HonestDeveloper("cy", 1).SendAsync();

        var preview = await (await app.Admin().PostJsonAsync("/api/v1/badges/preview", Definition())).JsonAsync();

        Assert.Equal(3, preview.GetProperty("evaluatedEmployees").GetInt32());
        Assert.Equal([1, 1], preview.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("count").GetInt32()));
        Assert.Equal(["ada", "bob", "cy"], preview.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("employee").GetString()));
        Assert.Equal("silver", preview.GetProperty("top")[0].GetProperty("tier").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("top")[2].GetProperty("tier").ValueKind);
        Assert.DoesNotContain((await (await app.Admin().GetAsync("/api/v1/badges?status=all", Ct)).JsonAsync()).EnumerateArray(), b => b.GetProperty("key").GetString() == "reviewed-shipper");
    }

    [Theory]
    [InlineData("source")]
    [InlineData("viewer")]
    [InlineData("employee")]
    public async Task Only_admins_author_badges(string role)
    {
        await using var app = new AchievementsApp();
        var client = await app.ClientFor(role, role == "viewer" ? null : "ada");
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/badges", Definition()), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/badges/merge-master/publish", new { }), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/badges/preview", Definition()), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/rules/validate", new { metric = "1" }), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/evaluations", new { }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unknown_badges_are_404_problems()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges/nope/publish", new { }), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Admin().PutAsync("/api/v1/badges/nope", Problem.JsonBody(Definition(key: "nope")), Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/badges/nope/versions", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/badges/nope/holders", Ct), HttpStatusCode.NotFound);
    }

}
