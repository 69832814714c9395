using System.Net;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>What an employee keeps out of the directory, and awards that run out (issue 17, items 3 and 4).</summary>
public sealed class PrivacyAndExpiryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<AchievementsApp> WithBronzeAsync()
    {
        var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        return app;
    }

    private static async Task<IReadOnlyList<string?>> HoldersAsync(AchievementsApp app, string badge) =>
        [.. (await (await app.Anonymous().GetAsync($"/api/v1/badges/{badge}/holders", Ct)).JsonAsync()).EnumerateArray().Select(h => h.GetProperty("employee").GetString())];

    private static Task<HttpResponseMessage> SetVisibleAsync(HttpClient client, string employee, string badge, bool visible) =>
        client.PutAsync($"/api/v1/employees/{employee}/badges/{badge}/visibility", Problem.JsonBody(new { visible }), Ct);

    [Fact]
    public async Task A_hidden_badge_leaves_the_directory_json_svg_and_holders_but_stays_in_the_employees_progress()
    {
        await using var app = await WithBronzeAsync();
        var ada = await app.ClientFor("employee", "ada");
        var svgBefore = await app.Anonymous().GetStringAsync("/api/v1/employees/ada/badges.svg", Ct);
        Assert.Contains("Merge Master", svgBefore, StringComparison.Ordinal);

        var hidden = await (await SetVisibleAsync(ada, "ada", "merge-master", visible: false)).JsonAsync();
        Assert.Equal("ada", hidden.GetProperty("employee").GetString());
        Assert.Equal("merge-master", hidden.GetProperty("badge").GetString());
        Assert.False(hidden.GetProperty("visible").GetBoolean());

        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
        Assert.DoesNotContain("Merge Master", await app.Anonymous().GetStringAsync("/api/v1/employees/ada/badges.svg", Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("ada", await HoldersAsync(app, "merge-master"));
        var progress = await app.ProgressAsync("ada", "merge-master");
        Assert.Equal("bronze", progress.GetProperty("tier").GetString());
        Assert.False(progress.GetProperty("visible").GetBoolean());

        // Hidden, it is still judged: nothing about earning changes.
        await new Personas(app).HonestDeveloper("ada", pullRequests: 1).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", (await app.ProgressAsync("ada", "merge-master")).GetProperty("tier").GetString());

        await (await SetVisibleAsync(ada, "ada", "merge-master", visible: true)).JsonAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        Assert.Contains("ada", await HoldersAsync(app, "merge-master"));
        Assert.True((await app.ProgressAsync("ada", "merge-master")).GetProperty("visible").GetBoolean());
    }

    [Fact]
    public async Task A_badge_hidden_before_it_is_earned_never_shows()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        await (await SetVisibleAsync(await app.ClientFor("employee", "ada"), "ada", "merge-master", visible: false)).JsonAsync();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
        Assert.Equal("bronze", (await app.ProgressAsync("ada", "merge-master")).GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Only_the_employee_and_admins_choose_what_is_shown_and_bad_bodies_are_400s()
    {
        await using var app = await WithBronzeAsync();
        await Problem.AssertAsync(await SetVisibleAsync(await app.ClientFor("employee", "bob"), "ada", "merge-master", false), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await SetVisibleAsync(await app.ClientFor("viewer"), "ada", "merge-master", false), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await SetVisibleAsync(app.Anonymous(), "ada", "merge-master", false), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await app.Anonymous().PutAsync("/api/v1/employees/ada/directory", Problem.JsonBody(new { listed = false }), Ct), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await (await app.ClientFor("employee", "bob")).PutAsync("/api/v1/employees/ada/directory", Problem.JsonBody(new { listed = false }), Ct), HttpStatusCode.Forbidden);
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));

        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/employees/ada/badges/merge-master/visibility", Problem.JsonBody(new { }), Ct));
        Assert.Contains("visible", errors.Keys);
        errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/employees/ada/directory", Problem.JsonBody(new { }), Ct));
        Assert.Contains("listed", errors.Keys);
        await Problem.AssertAsync(await SetVisibleAsync(app.Admin(), "ada", "no-such-badge", false), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await SetVisibleAsync(app.Admin(), "nobody", "merge-master", false), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Admin().PutAsync("/api/v1/employees/nobody/directory", Problem.JsonBody(new { listed = false }), Ct), HttpStatusCode.NotFound);

        // An admin may hide it for them (a badge shown by mistake).
        Assert.False((await (await SetVisibleAsync(app.Admin(), "ada", "merge-master", false)).JsonAsync()).GetProperty("visible").GetBoolean());
        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
    }

    [Fact]
    public async Task An_employee_who_leaves_the_directory_is_a_404_there_and_nobodys_holder_but_keeps_their_progress()
    {
        await using var app = await WithBronzeAsync();
        var ada = await app.ClientFor("employee", "ada");
        var left = await (await ada.PutAsync("/api/v1/employees/ada/directory", Problem.JsonBody(new { listed = false }), Ct)).JsonAsync();
        Assert.Equal("ada", left.GetProperty("employee").GetString());
        Assert.False(left.GetProperty("listed").GetBoolean());

        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/ada/badges", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/ada/badges.svg", Ct), HttpStatusCode.NotFound);
        Assert.DoesNotContain("ada", await HoldersAsync(app, "merge-master"));
        var progress = await (await ada.GetAsync("/api/v1/employees/ada/progress", Ct)).JsonAsync();
        Assert.False(progress.GetProperty("listed").GetBoolean());
        Assert.Equal("bronze", progress.GetProperty("badges").EnumerateArray().Single(b => b.GetProperty("badge").GetString() == "merge-master").GetProperty("tier").GetString());

        await (await ada.PutAsync("/api/v1/employees/ada/directory", Problem.JsonBody(new { listed = true }), Ct)).JsonAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        Assert.Contains("ada", await HoldersAsync(app, "merge-master"));
    }

    private static object Expiring(string expiresAfter = "30d") => new
    {
        key = "yearly-shipper",
        name = "Yearly Shipper",
        description = "Reviewed pull requests merged; renewed by new work.",
        icon = "📅",
        // No window: without expiry an award of it would last for good, so what earns it again must be new work.
        metric = "count(pr.merged)",
        requires = Array.Empty<string>(),
        tiers = new[] { new { name = "bronze", threshold = 3 } },
        expiresAfter,
    };

    [Fact]
    public async Task An_award_expires_after_its_versions_duration_leaves_the_directory_and_is_granted_again_only_for_new_work()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        var created = await (await app.Admin().PostJsonAsync("/api/v1/badges", Expiring())).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("30d", created.GetProperty("expiresAfter").GetString());
        await (await app.Admin().PostJsonAsync("/api/v1/badges/yearly-shipper/publish", new { })).JsonAsync();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 3, everyDays: 5).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "yearly-shipper"));
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/yearly-shipper", Ct)).JsonAsync();
        Assert.Equal(AchievementsApp.Start.AddDays(30), award.GetProperty("expiresAt").GetDateTimeOffset());

        app.Clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, (await app.EvaluateAsync()).GetProperty("expired").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "yearly-shipper"));

        app.Clock.Advance(TimeSpan.FromDays(2));
        var summary = await app.EvaluateAsync();
        Assert.Equal(1, summary.GetProperty("expired").GetInt32());
        Assert.Equal(0, summary.GetProperty("granted").GetInt32());
        Assert.Null(await app.TierOfAsync("ada", "yearly-shipper"));
        Assert.DoesNotContain("ada", await HoldersAsync(app, "yearly-shipper"));
        var progress = await app.ProgressAsync("ada", "yearly-shipper");
        Assert.Equal("expired", progress.GetProperty("status").GetString());
        Assert.Equal("bronze", progress.GetProperty("tier").GetString());
        Assert.Equal("bronze", progress.GetProperty("next").GetProperty("tier").GetString());
        // The three merges that earned it are behind it: none of them counts towards earning it again.
        Assert.Equal(0, progress.GetProperty("value").GetDouble());

        // Nothing new, nothing again: a second pass leaves it expired.
        Assert.Equal(0, (await app.EvaluateAsync()).GetProperty("granted").GetInt32());

        var personas = new Personas(app);
        var now = app.Clock.GetUtcNow();
        foreach (var daysAgo in new[] { 20, 15, 10 })
        {
            personas.PrMerged("ada", now.AddDays(-daysAgo), reviewers: ["reviewer-1", "reviewer-2"]);
        }

        await personas.SendAsync();
        summary = await app.EvaluateAsync();
        Assert.Equal(1, summary.GetProperty("granted").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "yearly-shipper"));
        award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/yearly-shipper", Ct)).JsonAsync();
        Assert.Equal("active", award.GetProperty("status").GetString());
        Assert.Equal(now.AddDays(30), award.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(["granted", "expired", "granted"], award.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Work_done_while_an_award_ran_on_earns_it_again_in_the_pass_that_expires_it()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        await (await app.Admin().PostJsonAsync("/api/v1/badges", Expiring())).JsonAsync(HttpStatusCode.Created);
        await (await app.Admin().PostJsonAsync("/api/v1/badges/yearly-shipper/publish", new { })).JsonAsync();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 3, everyDays: 5).SendAsync();
        await app.EvaluateAsync();

        app.Clock.Advance(TimeSpan.FromDays(25));
        var personas = new Personas(app);
        foreach (var daysAgo in new[] { 20, 15, 10 })
        {
            personas.PrMerged("ada", app.Clock.GetUtcNow().AddDays(-daysAgo), reviewers: ["reviewer-1", "reviewer-2"]);
        }

        await personas.SendAsync();
        await app.EvaluateAsync();
        app.Clock.Advance(TimeSpan.FromDays(6));
        var summary = await app.EvaluateAsync();
        Assert.Equal(1, summary.GetProperty("expired").GetInt32());
        Assert.Equal(1, summary.GetProperty("granted").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "yearly-shipper"));
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("12h")]
    [InlineData("3651d")]
    [InlineData("forever")]
    [InlineData("")]
    public async Task An_expiry_that_is_not_a_duration_from_a_day_to_ten_years_is_a_400_naming_the_field(string expiresAfter)
    {
        await using var app = new AchievementsApp();
        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PostJsonAsync("/api/v1/badges", Expiring(expiresAfter)));
        Assert.Contains("expiresAfter", errors.Keys);
    }

    [Fact]
    public async Task A_badge_without_expiry_says_so_and_its_awards_never_run_out()
    {
        await using var app = await WithBronzeAsync();
        var badge = await (await app.Anonymous().GetAsync("/api/v1/badges/merge-master", Ct)).JsonAsync();
        Assert.Equal(JsonValueKind.Null, badge.GetProperty("expiresAfter").ValueKind);
        app.Clock.Advance(TimeSpan.FromDays(3000));
        Assert.Equal(0, (await app.EvaluateAsync()).GetProperty("expired").GetInt32());
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/merge-master", Ct)).JsonAsync();
        Assert.Equal(JsonValueKind.Null, award.GetProperty("expiresAt").ValueKind);
    }
}
