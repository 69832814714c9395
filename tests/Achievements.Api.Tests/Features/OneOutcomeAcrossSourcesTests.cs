using System.Net;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;
using static Achievements.Api.Tests.Features.GithubWebhookTests;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// One pull request, one outcome: an organisation whose GitHub webhook and CI script (posting <c>pr.merged</c> and
/// <c>pr.reverted</c> through <c>POST /api/v1/events</c> with its own source key) both report the same merges.
/// GitHub's side is its real payloads (the shared fixtures, edited); the CI script spells <c>pr_id</c> as GitHub does.
/// </summary>
public sealed class OneOutcomeAcrossSourcesTests
{
    private static readonly DateTimeOffset Now = AchievementsApp.Start;

    private static readonly JsonObject Ada = GithubDeliveries.User("ada-gh", 1001);
    private static readonly JsonObject Grace = GithubDeliveries.User("grace-gh", 1002);
    private static readonly JsonObject Alan = GithubDeliveries.User("alan-gh", 1003);

    private static async Task<(AchievementsApp App, GithubDeliveries Github, HttpClient Ci)> OrganisationAsync()
    {
        var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "ada", "1001", "ada-gh");
        await MapAsync(app, "grace", "1002", "grace-gh");
        await MapAsync(app, "alan", "1003", "alan-gh");
        // One team: colleagues who review most of each other's work are a team at work, not patrons.
        foreach (var person in new[] { "ada", "grace", "alan", "ada-ci" })
        {
            await app.PutEmployeeAsync(person, person, team: "web");
        }

        return (app, github, await app.Source("ci"));
    }

    /// <summary>Pull request <paramref name="number"/> of octo-org/web, by Ada, approved and merged, through GitHub.</summary>
    private static async Task GithubMergeAsync(GithubDeliveries github, int number, DateTimeOffset at)
    {
        var reviewer = number % 2 == 0 ? Grace : Alan;
        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", number, Ada, reviewer, 5000 + number, at.AddHours(-1)));
        var merge = await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", number, 9000 + number, Ada, reviewer, at));
        Assert.Contains($"pr.merged merge-{9000 + number} stored", await GithubDeliveries.StatusesAsync(merge));
    }

    /// <summary>The CI script's report of the same pull request: its own id, GitHub's spelling of <c>pr_id</c>.</summary>
    private static object CiMerge(int number, string actor, DateTimeOffset at) => new
    {
        id = $"ci-merge-{number}",
        type = "pr.merged",
        actor,
        occurredAt = SampleEvents.Rfc3339(at),
        attributes = new
        {
            pr_id = $"octo-org/web#{number}",
            repo = "octo-org/web",
            lines_added = 80,
            lines_deleted = 3,
            merged_by = number % 2 == 0 ? "grace" : "alan",
            reviewers = new[] { number % 2 == 0 ? "grace" : "alan" },
        },
    };

    private static async Task PostAsync(HttpClient source, params object[] events)
    {
        var response = await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(events));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Merges_reported_by_two_sources_count_once_and_a_revert_from_either_corrects_them()
    {
        var (app, github, ci) = await OrganisationAsync();
        await using var _ = app;

        // Pull requests 1-6 reach GitHub's webhook first, 7-12 the CI script first; each source reports all twelve.
        for (var number = 1; number <= 12; number++)
        {
            var at = Now.AddDays(-30 + number);
            if (number <= 6)
            {
                await GithubMergeAsync(github, number, at);
                await PostAsync(ci, CiMerge(number, "ada", at));
            }
            else
            {
                await PostAsync(ci, CiMerge(number, "ada", at));
                await GithubMergeAsync(github, number, at);
            }
        }

        await app.EvaluateAsync();
        var twice = await app.ProgressAsync("ada", "merge-master");

        Assert.Equal((12, 12), (twice.Counted("pr.merged"), twice.Excluded("pr.merged", "duplicate-outcome")));
        Assert.Equal(12, twice.GetProperty("value").GetDouble());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        // Each approval shipped once, in the report that counts.
        Assert.Equal(6, (await app.ProgressAsync("grace", "trusted-reviewer")).Counted("review.approved"));

        // The CI script reverts pull request 1 (GitHub reported it first); GitHub's Revert button reverts 12 (the
        // CI script reported it first).
        await PostAsync(ci, new { id = "ci-revert-1", type = "pr.reverted", actor = "grace", occurredAt = SampleEvents.Rfc3339(Now.AddHours(-2)), attributes = new { pr_id = "octo-org/web#1" } });
        var revert = GithubDeliveries.Merge("octo-org/web", 13, 9013, Grace, Alan, Now.AddHours(-1), additions: 3, deletions: 40, body: "Reverts octo-org/web#12\r\n\r\nIt broke the build.");
        Assert.Contains("pr.reverted revert-9013 stored", await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", revert)));
        await app.EvaluateAsync();
        var reverted = await app.ProgressAsync("ada", "merge-master");

        Assert.Equal((10, 4, 10), (reverted.Counted("pr.merged"), reverted.Excluded("pr.merged", "corrected"), reverted.Excluded("pr.merged", "duplicate-outcome")));
        Assert.Equal(10, reverted.GetProperty("value").GetDouble());
        Assert.Equal(5, (await app.ProgressAsync("grace", "trusted-reviewer")).Counted("review.approved"));
    }

    [Fact]
    public async Task When_two_sources_name_different_authors_the_first_report_owns_the_pull_request()
    {
        var (app, github, ci) = await OrganisationAsync();
        await using var _ = app;

        await GithubMergeAsync(github, 1, Now.AddDays(-10));
        // The CI script knows Ada by another login.
        await PostAsync(ci, CiMerge(1, "ada-ci", Now.AddDays(-10)));
        await app.EvaluateAsync();

        Assert.Equal(1, (await app.ProgressAsync("ada", "merge-master")).Counted("pr.merged"));
        var other = await app.ProgressAsync("ada-ci", "merge-master");
        Assert.Equal((0, 1), (other.Counted("pr.merged"), other.Excluded("pr.merged", "duplicate-outcome")));
    }

    [Fact]
    public async Task A_signal_trusted_to_one_source_takes_reports_and_corrections_only_from_it()
    {
        var (app, github, ci) = await OrganisationAsync();
        await using var _ = app;
        foreach (var signal in new[] { "pr.merged", "pr.reverted" })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PatchSignalAsync(signal, """{"authoritativeSources":["github"]}""")).StatusCode);
        }

        await GithubMergeAsync(github, 1, Now.AddDays(-10));
        await PostAsync(ci,
            CiMerge(2, "ada", Now.AddDays(-9)),
            new { id = "ci-revert-1", type = "pr.reverted", actor = "grace", occurredAt = SampleEvents.Rfc3339(Now.AddHours(-1)), attributes = new { pr_id = "octo-org/web#1" } });
        await app.EvaluateAsync();
        var progress = await app.ProgressAsync("ada", "merge-master");

        Assert.Equal((1, 1, 0), (progress.Counted("pr.merged"), progress.Excluded("pr.merged", "untrusted-source"), progress.Excluded("pr.merged", "corrected")));
        Assert.Equal("""["github"]""", (await app.SignalAsync("pr.merged"))["authoritativeSources"]!.ToJsonString());
        var invalid = await app.PatchSignalAsync("pr.merged", """{"authoritativeSources":[""]}""");
        Assert.Contains("authoritativeSources", (await Problem.ValidationErrorsAsync(invalid)).Keys);
    }
}
