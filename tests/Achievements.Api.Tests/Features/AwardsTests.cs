using System.Net;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

public sealed class AwardsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<AchievementsApp> WithBronzeAsync(string employee = "ada")
    {
        var app = new AchievementsApp();
        await app.PutEmployeeAsync(employee, "Ada <script>alert(1)</script> & Co");
        await new Personas(app).HonestDeveloper(employee, pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync(employee, "merge-master"));
        return app;
    }

    [Fact]
    public async Task The_directory_shows_active_badges_anonymously_with_name_icon_tier_and_date()
    {
        await using var app = await WithBronzeAsync();
        var badges = await (await app.Anonymous().GetAsync("/api/v1/employees/ada/badges", Ct)).JsonAsync();
        Assert.Equal("ada", badges.GetProperty("employee").GetString());
        var badge = badges.GetProperty("badges").EnumerateArray().Single(b => b.GetProperty("badge").GetString() == "merge-master");
        Assert.Equal("Merge Master", badge.GetProperty("name").GetString());
        Assert.Equal("🚀", badge.GetProperty("icon").GetString());
        Assert.Equal("bronze", badge.GetProperty("tier").GetString());
        Assert.Equal(AchievementsApp.Start, badge.GetProperty("awardedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_unknown_employee_has_no_badges_but_a_404_problem()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/nobody/badges", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/nobody/badges.svg", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/nobody/progress", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_svg_escapes_markup_carries_an_etag_and_answers_304_when_unchanged()
    {
        await using var app = await WithBronzeAsync();
        var response = await app.Anonymous().GetAsync("/api/v1/employees/ada/badges.svg", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("Merge Master · bronze", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", svg, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co", svg, StringComparison.Ordinal);
        System.Xml.Linq.XDocument.Parse(svg);

        var etag = response.Headers.ETag!;
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/employees/ada/badges.svg");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await app.Anonymous().SendAsync(again, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_new_award_changes_the_svg_etag_at_once()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        var before = (await app.Anonymous().GetAsync("/api/v1/employees/ada/badges.svg", Ct)).Headers.ETag;
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        var after = (await app.Anonymous().GetAsync("/api/v1/employees/ada/badges.svg", Ct)).Headers.ETag;
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task Progress_and_evidence_are_for_the_employee_and_admins_only()
    {
        await using var app = await WithBronzeAsync();
        var self = await app.ClientFor("employee", "ada");
        var other = await app.ClientFor("employee", "bob");
        var viewer = await app.ClientFor("viewer");

        Assert.Equal(HttpStatusCode.OK, (await self.GetAsync("/api/v1/employees/ada/progress", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await self.GetAsync("/api/v1/employees/ada/badges/merge-master", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Admin().GetAsync("/api/v1/employees/ada/progress", Ct)).StatusCode);
        foreach (var client in new[] { other, viewer, await app.Source() })
        {
            await Problem.AssertAsync(await client.GetAsync("/api/v1/employees/ada/progress", Ct), HttpStatusCode.Forbidden);
            await Problem.AssertAsync(await client.GetAsync("/api/v1/employees/ada/badges/merge-master", Ct), HttpStatusCode.Forbidden);
        }

        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/ada/progress", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Counted_outcomes_per_week_cover_the_last_weeks_oldest_first_and_leave_volume_out()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        events.PrMerged("ada", Personas.Now.AddDays(-10)).PrMerged("ada", Personas.Now.AddDays(-11)).PrMerged("ada", Personas.Now.AddDays(-30));
        events.PrMerged("ada", Personas.Now.AddDays(-12), reviewers: ["ada"]).Tokens("ada", Personas.Now.AddDays(-1), 5_000_000);
        await events.SendAsync();

        var outcomes = await (await (await app.ClientFor("employee", "ada")).GetAsync("/api/v1/employees/ada/outcomes", Ct)).JsonAsync();

        var counted = outcomes.GetProperty("weeks").EnumerateArray().Select(w => w.GetProperty("counted").GetInt32()).ToList();
        Assert.Equal(12, counted.Count);
        Assert.Equal(3, counted.Sum());
        Assert.Equal(2, counted[^2]);
        Assert.Equal(1, counted[^5]);
        await Problem.AssertAsync(await (await app.ClientFor("employee", "bob")).GetAsync("/api/v1/employees/ada/outcomes", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_award_shows_the_events_that_earned_it()
    {
        await using var app = await WithBronzeAsync();
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/merge-master", Ct)).JsonAsync();
        Assert.Equal("active", award.GetProperty("status").GetString());
        Assert.Equal(12, award.GetProperty("evidence").GetArrayLength());
        Assert.All(award.GetProperty("evidence").EnumerateArray(), e => Assert.Equal("pr.merged", e.GetProperty("type").GetString()));
        Assert.Equal(1, award.GetProperty("version").GetInt32());
        Assert.Equal(12, award.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task A_revoked_award_is_never_granted_again_until_restored()
    {
        await using var app = await WithBronzeAsync();
        var revoke = await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { reason = "Shared account" });
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Null(await app.TierOfAsync("ada", "merge-master"));

        await new Personas(app).HonestDeveloper("ada", pullRequests: 3).SendAsync();
        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { })).JsonAsync();
        Assert.Equal(0, (await app.EvaluateAsync()).GetProperty("granted").GetInt32());
        Assert.Null(await app.TierOfAsync("ada", "merge-master"));

        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/restore", new { })).StatusCode);
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));

        var audit = await (await app.Admin().GetAsync("/api/v1/audit?employee=ada&badge=merge-master", Ct)).JsonAsync();
        var actions = audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["award.restored", "award.revoked", "award.granted"], actions);
        Assert.Equal("system", audit.EnumerateArray().Last().GetProperty("actor").GetString());
        Assert.Equal("configured-admin", audit.EnumerateArray().First().GetProperty("actor").GetString());
    }

    [Fact]
    public async Task An_account_marked_as_a_bot_later_loses_what_it_held()
    {
        await using var app = await WithBronzeAsync();
        await app.PutEmployeeAsync("ada", "Ada", isBot: true);
        await app.EvaluateAsync();
        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/merge-master", Ct)).JsonAsync();
        Assert.Equal("bot", award.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Progress_shows_an_award_an_admin_revoked_and_a_second_revoke_finds_nothing_to_revoke()
    {
        await using var app = await WithBronzeAsync();
        await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { reason = "Shared account" });
        var progress = await app.ProgressAsync("ada", "merge-master");
        Assert.Equal("revoked", progress.GetProperty("status").GetString());
        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { reason = "again" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_query_value_is_a_400_problem_in_plain_words()
    {
        await using var app = new AchievementsApp();
        var problem = await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/audit?since=yesterday", Ct), HttpStatusCode.BadRequest);
        Assert.Equal("'yesterday' is not a valid value for since.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Revoking_needs_a_reason_and_an_award()
    {
        await using var app = await WithBronzeAsync();
        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { }));
        Assert.Contains("reason", errors.Keys);
        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/trusted-reviewer/revoke", new { reason = "x" }), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/restore", new { }), HttpStatusCode.NotFound);
        var employee = await app.ClientFor("employee", "ada");
        await Problem.AssertAsync(await employee.PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { reason = "x" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_audit_log_records_admin_changes_newest_first_and_filters_by_time()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PostJsonAsync("/api/v1/badges", new { key = "audited", name = "A", icon = "A", metric = "count(pr.merged)", tiers = new[] { new { name = "bronze", threshold = 10 } } });
        app.Clock.Advance(TimeSpan.FromHours(1));
        await app.Admin().PostJsonAsync("/api/v1/badges/audited/publish", new { });

        var all = await (await app.Admin().GetAsync("/api/v1/audit?badge=audited", Ct)).JsonAsync();
        Assert.Equal(["badge.published", "badge.created"], all.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var since = Uri.EscapeDataString(AchievementsApp.Start.AddMinutes(30).ToString("o"));
        var recent = await (await app.Admin().GetAsync($"/api/v1/audit?badge=audited&since={since}", Ct)).JsonAsync();
        Assert.Equal(["badge.published"], recent.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        await Problem.AssertAsync(await (await app.ClientFor("viewer")).GetAsync("/api/v1/audit", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_private_directory_needs_a_key_to_read_badges()
    {
        await using var app = new PrivateDirectoryApp();
        await app.PutEmployeeAsync("ada", "Ada");
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/ada/badges", Ct), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/badges", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientFor("viewer")).GetAsync("/api/v1/employees/ada/badges", Ct)).StatusCode);
    }

    private sealed class PrivateDirectoryApp : AchievementsApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Achievements:PublicDirectory", "false");
        }
    }
}
