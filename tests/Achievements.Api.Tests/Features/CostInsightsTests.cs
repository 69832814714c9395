using System.Net;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// The cost view: what AI use cost each team and what it delivered, per model and per week, never per person. One
/// usage reported by the gateway and by the tool itself counts once; only counted outcomes are outcomes.
/// </summary>
public sealed class CostInsightsTests
{
    private static readonly DateTimeOffset Now = Personas.Now;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_team_sees_tokens_cost_and_counted_outcomes_per_model_and_week_without_anyone_named()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada", team: "Payments");
        await app.PutEmployeeAsync("bob", "Bob", team: "Payments");
        await app.PutEmployeeAsync("cyd", "Cyd", team: "Search");
        var events = new Personas(app);
        for (var i = 0; i < 6; i++)
        {
            events.PrMerged("ada", Now.AddDays(-10 - (5 * i)), reviewers: [new[] { "rex", "sue", "tom" }[i % 3]]);
        }

        // The gateway and the editor report the same usage in one week: the gateway's counts. In a week only the
        // editor reported, the editor's counts. A merge nobody else reviewed is no outcome.
        events.Spend("ada", Now.AddDays(-9), 100_000, "claude-sonnet", 1.5)
            .Spend("ada", Now.AddDays(-9), 100_000, "claude-sonnet", 1.5, source: "editor")
            .Spend("ada", Now.AddDays(-23), 50_000, "claude-sonnet", costUsd: null, source: "editor")
            .Spend("ada", Now.AddDays(-200), 900_000, "claude-sonnet", 9)
            .Spend("bob", Now.AddDays(-30), 200_000, "gpt-5", 2.0)
            .PrMerged("bob", Now.AddDays(-30), reviewers: ["bob"])
            .PrMerged("cyd", Now.AddDays(-12), reviewers: ["rex"])
            .PrMerged("cyd", Now.AddDays(-15), reviewers: ["sue"]);
        await events.SendAsync();
        await app.EvaluateAsync();

        var response = await app.Admin().GetAsync("/api/v1/insights/cost?groupBy=team&window=90d", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var view = await response.JsonAsync();

        Assert.Equal("2026-03-02", view.GetProperty("from").GetString());
        Assert.Equal("2026-06-01", view.GetProperty("to").GetString());
        var groups = view.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["Payments", "Search"], groups.Select(g => g.GetProperty("team").GetString()));
        var payments = groups[0];
        Assert.Equal(2, payments.GetProperty("employees").GetInt32());
        Assert.Equal("350000 | 3.5 | 6 | 58333 | 0.58", Figures(payments));
        Assert.Equal(
            ["gpt-5 200000 2", "claude-sonnet 150000 1.5"],
            payments.GetProperty("models").EnumerateArray().Select(m => $"{m.GetProperty("model").GetString()} {m.GetProperty("tokens").GetDouble()} {m.GetProperty("costUsd")}"));
        var weeks = payments.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(14, weeks.Count);
        Assert.Equal("2026-05-18 100000 1.5", Week(weeks.Single(w => w.GetProperty("week").GetString() == "2026-05-18")));
        Assert.Equal("2026-06-01 0 0", Week(weeks[^1]));

        // A team that spent nothing measured: its outcomes count, and there is no cost to divide.
        Assert.Equal("0 | null | 2 | 0 | null", Figures(groups[1]));
        Assert.Equal("350000 | 3.5 | 8 | 43750 | 0.44", Figures(view.GetProperty("total")));

        // Nobody is named: the view ranks teams' use, never people's.
        foreach (var person in new[] { "ada", "bob", "cyd", "rex" })
        {
            Assert.DoesNotContain($"\"{person}\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_employee_sees_their_own_figures_in_their_progress()
    {
        await using var app = new AchievementsApp();
        await new Personas(app)
            .PrMerged("ada", Now.AddDays(-10), reviewers: ["rex"])
            .Spend("ada", Now.AddDays(-10), 40_000, "claude-sonnet", 0.8)
            .SendAsync();

        var progress = await (await app.Admin().GetAsync("/api/v1/employees/ada/progress", Ct)).JsonAsync();

        Assert.Equal("40000 | 0.8 | 1 | 40000 | 0.8", Figures(progress.GetProperty("spend")));
    }

    [Theory]
    [InlineData("groupBy=employee&window=90d", "groupBy")]
    [InlineData("groupBy=team&window=2d", "window")]
    [InlineData("groupBy=team&window=400d", "window")]
    [InlineData("groupBy=team&window=soon", "window")]
    public async Task A_grouping_by_person_or_a_window_out_of_range_is_a_400_naming_the_field(string query, string field)
    {
        await using var app = new AchievementsApp();

        var errors = await Problem.ValidationErrorsAsync(await app.Admin().GetAsync($"/api/v1/insights/cost?{query}", Ct));

        Assert.Contains(errors.Keys, key => key.Equals(field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Only_admins_see_the_cost_view()
    {
        await using var app = new AchievementsApp();

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync("/api/v1/insights/cost", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.Source()).GetAsync("/api/v1/insights/cost", Ct)).StatusCode);
    }

    private static string Figures(JsonElement figures) =>
        $"{figures.GetProperty("tokens").GetDouble()} | {Number(figures.GetProperty("costUsd"))} | {figures.GetProperty("outcomes").GetInt32()} | "
        + $"{Number(figures.GetProperty("tokensPerOutcome"), "0")} | {Number(figures.GetProperty("costPerOutcome"))}";

    private static string Week(JsonElement week) =>
        $"{week.GetProperty("week").GetString()} {week.GetProperty("tokens").GetDouble()} {week.GetProperty("costUsd").ValueKind switch { JsonValueKind.Null => "0", _ => Number(week.GetProperty("costUsd")) }}";

    private static string Number(JsonElement value, string format = "0.##") =>
        value.ValueKind == JsonValueKind.Null ? "null" : value.GetDouble().ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
