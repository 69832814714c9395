using System.Net;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// The directory is served from memory; these read it (JSON and SVG, so both are kept) before each kind of change
/// and prove that the very next read shows the change, through the API alone.
/// </summary>
public sealed class DirectoryFreshnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Entry(JsonElement Json, string Svg)
    {
        public string? TierOf(string badge) =>
            Json.GetProperty("badges").EnumerateArray().Where(b => b.GetProperty("badge").GetString() == badge)
                .Select(b => b.GetProperty("tier").GetString()).SingleOrDefault();

        public string? NameOf(string badge) =>
            Json.GetProperty("badges").EnumerateArray().Where(b => b.GetProperty("badge").GetString() == badge)
                .Select(b => b.GetProperty("name").GetString()).SingleOrDefault();
    }

    private static async Task<Entry> ReadAsync(AchievementsApp app, string employee)
    {
        var json = await app.BadgesOfAsync(employee);
        var svg = await app.Anonymous().GetAsync($"/api/v1/employees/{employee}/badges.svg", Ct);
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        return new Entry(json, await svg.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<AchievementsApp> WithBronzeAsync(string employee = "ada")
    {
        var app = new AchievementsApp();
        await app.PutEmployeeAsync(employee, "Ada");
        await new Personas(app).HonestDeveloper(employee, pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        var shown = await ReadAsync(app, employee);
        Assert.Equal("bronze", shown.TierOf("merge-master"));
        Assert.Contains("Merge Master · bronze", shown.Svg, StringComparison.Ordinal);
        return app;
    }

    private static async Task AssertNoMergeMasterAsync(AchievementsApp app, string employee = "ada")
    {
        var entry = await ReadAsync(app, employee);
        Assert.Null(entry.TierOf("merge-master"));
        Assert.DoesNotContain("Merge Master", entry.Svg, StringComparison.Ordinal);
    }

    private static async Task AssertMergeMasterAsync(AchievementsApp app, string name = "Merge Master", string employee = "ada")
    {
        var entry = await ReadAsync(app, employee);
        Assert.Equal("bronze", entry.TierOf("merge-master"));
        Assert.Equal(name, entry.NameOf("merge-master"));
        Assert.Contains($"{name} · bronze", entry.Svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_by_evaluation_shows_on_the_next_read()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        var before = await ReadAsync(app, "ada");
        Assert.Empty(before.Json.GetProperty("badges").EnumerateArray());
        Assert.Contains("No badges yet", before.Svg, StringComparison.Ordinal);

        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();

        await AssertMergeMasterAsync(app);
    }

    [Fact]
    public async Task An_admin_revoke_and_restore_each_show_on_the_next_read()
    {
        await using var app = await WithBronzeAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { reason = "Shared account" })).StatusCode);
        await AssertNoMergeMasterAsync(app);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/restore", new { })).StatusCode);
        await AssertMergeMasterAsync(app);
    }

    [Fact]
    public async Task A_hold_by_a_detection_flag_and_its_release_on_dismissal_each_show_on_the_next_read()
    {
        await using var app = await WithBronzeAsync();
        // Twenty accepted suggestions within ten minutes: a burst, which holds what was awarded since.
        var burst = new Personas(app);
        for (var i = 0; i < 20; i++)
        {
            burst.Add("suggestion.accepted", "ada", Personas.Now.AddDays(-3).AddSeconds(30 * i), new() { ["suggestion_id"] = $"ada-s-{i}", ["lines"] = 3, ["language"] = "go" });
        }

        await burst.SendAsync();
        await app.EvaluateAsync();
        await AssertNoMergeMasterAsync(app);

        var flags = await (await app.Admin().GetAsync("/api/v1/flags?status=open", Ct)).JsonAsync();
        var flag = flags.EnumerateArray().Single(f => f.GetProperty("detector").GetString() == "burst");
        await (await app.Admin().PostJsonAsync($"/api/v1/flags/{flag.GetProperty("id").GetInt64()}/dismiss", new { note = "Pasted a reviewed patch in pieces" })).JsonAsync();
        await AssertMergeMasterAsync(app);
    }

    [Fact]
    public async Task Archiving_and_unarchiving_a_badge_each_show_on_the_next_read()
    {
        await using var app = await WithBronzeAsync();

        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/archive", new { })).JsonAsync();
        await AssertNoMergeMasterAsync(app);

        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/unarchive", new { })).JsonAsync();
        await AssertMergeMasterAsync(app);
    }

    [Fact]
    public async Task A_new_version_s_name_shows_once_published_and_not_while_a_draft()
    {
        await using var app = await WithBronzeAsync();
        var live = await (await app.Anonymous().GetAsync("/api/v1/badges/merge-master", Ct)).JsonAsync();
        var renamed = new
        {
            name = "Merge Maestro",
            description = live.GetProperty("description").GetString(),
            icon = live.GetProperty("icon").GetString(),
            metric = live.GetProperty("metric").GetString(),
            requires = live.GetProperty("requires").EnumerateArray().Select(r => r.GetString()).ToArray(),
            tiers = live.GetProperty("tiers").EnumerateArray().Select(t => new { name = t.GetProperty("name").GetString(), threshold = t.GetProperty("threshold").GetDouble() }).ToArray(),
        };

        await (await app.Admin().PutAsync("/api/v1/badges/merge-master", Problem.JsonBody(renamed), Ct)).JsonAsync();
        await AssertMergeMasterAsync(app);

        await (await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { })).JsonAsync();
        await AssertMergeMasterAsync(app, name: "Merge Maestro");
    }

    [Fact]
    public async Task Renaming_an_employee_shows_on_the_next_read()
    {
        await using var app = await WithBronzeAsync();

        var response = await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada Lovelace", team = "Engines" }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var entry = await ReadAsync(app, "ada");
        Assert.Equal("Ada Lovelace", entry.Json.GetProperty("displayName").GetString());
        Assert.Equal("Engines", entry.Json.GetProperty("team").GetString());
        Assert.Contains("Badges of Ada Lovelace", entry.Svg, StringComparison.Ordinal);
        var audit = await (await app.Admin().GetAsync("/api/v1/audit?employee=ada", Ct)).JsonAsync();
        Assert.Equal("employee.updated", audit[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task An_employee_first_named_by_an_event_is_found_although_an_earlier_read_was_a_404()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/newcomer/badges", Ct), HttpStatusCode.NotFound);

        await new Personas(app).PrMerged("newcomer", Personas.Now.AddDays(-10)).SendAsync();

        var entry = await ReadAsync(app, "newcomer");
        Assert.Equal("newcomer", entry.Json.GetProperty("employee").GetString());
    }
}
