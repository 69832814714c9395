using System.Net;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;
using static Achievements.Api.Tests.Features.GithubWebhookTests;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Stories told in GitHub's own payloads (the shared fixtures, edited): reviews, a merge, a revert, and what the
/// employees hold after each; people GitHub names before anyone mapped them; and the integration's settings.
/// </summary>
public sealed class GithubStoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Now = AchievementsApp.Start;

    /// <summary>One merged, reviewed pull request earns bronze: the lowest tier, which one voice may carry.</summary>
    private static async Task PublishFirstMergeAsync(AchievementsApp app)
    {
        await (await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "first-merge",
            name = "First merge",
            icon = "1",
            metric = "count(pr.merged, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 1 } },
        })).JsonAsync(HttpStatusCode.Created);
        await (await app.Admin().PostJsonAsync("/api/v1/badges/first-merge/publish", new { })).JsonAsync();
    }

    [Fact]
    public async Task Two_approvals_a_merge_and_its_revert_grant_the_badge_and_then_claw_it_back()
    {
        await using var app = new AchievementsApp();
        await PublishFirstMergeAsync(app);
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "ada", "1001", "ada-gh");
        await MapAsync(app, "grace", "1002", "grace-gh");
        await MapAsync(app, "alan", "1003", "alan-gh");
        var (ada, grace, alan) = (GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), GithubDeliveries.User("alan-gh", 1003));

        var first = await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 42, ada, grace, 4201, Now.AddHours(-3)));
        var second = await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 42, ada, alan, 4202, Now.AddHours(-2)));
        var merge = await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 42, 942, ada, grace, Now.AddHours(-1)));

        Assert.Equal(["review.approved review-4201 held"], await GithubDeliveries.StatusesAsync(first));
        Assert.Equal(["review.approved review-4202 held"], await GithubDeliveries.StatusesAsync(second));
        Assert.Equal(["pr.merged merge-942 stored", "review.approved review-4201 stored", "review.approved review-4202 stored"], await GithubDeliveries.StatusesAsync(merge));
        var reviewers = JsonDocument.Parse(await ScalarAsync<string>(app, "SELECT attributes FROM events WHERE event_id = 'merge-942'")).RootElement.GetProperty("reviewers");
        Assert.Equal(["grace", "alan"], reviewers.EnumerateArray().Select(r => r.GetString()));

        // A merge settles for seven days (a revert usually comes within a week); then it counts.
        await app.EvaluateAsync();
        Assert.Null(await app.TierOfAsync("ada", "first-merge"));
        app.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, (await app.EvaluateAsync()).GetProperty("granted").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "first-merge"));
        Assert.Equal(2, (await app.ProgressAsync("grace", "trusted-reviewer")).Counted("review.approved") + (await app.ProgressAsync("alan", "trusted-reviewer")).Counted("review.approved"));

        // Grace presses Revert; GitHub writes "Reverts octo-org/web#42" and Alan merges the revert.
        var revert = GithubDeliveries.Merge("octo-org/web", 43, 943, grace, alan, app.Clock.GetUtcNow().AddMinutes(-5), additions: 3, deletions: 40,
            body: "Reverts octo-org/web#42\r\n\r\nIt broke the build.");
        Assert.Contains("pr.reverted revert-943 stored", await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", revert)));
        var summary = await app.EvaluateAsync();

        Assert.Equal(1, summary.GetProperty("revoked").GetInt32());
        Assert.Null(await app.TierOfAsync("ada", "first-merge"));
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ada/badges/first-merge", Ct)).JsonAsync();
        Assert.Equal("corrected", award.GetProperty("reason").GetString());
        Assert.Equal(["granted", "revoked"], award.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        Assert.Equal(0, (await app.ProgressAsync("grace", "trusted-reviewer")).Counted("review.approved"));
    }

    [Fact]
    public async Task Events_of_an_unmapped_person_are_held_listed_and_attributed_and_evaluated_once_mapped()
    {
        await using var app = new AchievementsApp();
        await PublishFirstMergeAsync(app);
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "grace", "1002", "grace-gh");
        var (ada, grace) = (GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002));
        var at = Now.AddDays(-10);

        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 50, ada, grace, 5001, at));
        var merged = await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 50, 950, ada, grace, at.AddHours(1))));

        // Ada's merge waits for Ada, and so does Grace's approval of it: it names Ada as the author.
        Assert.Equal(["pr.merged merge-950 unmapped", "review.approved review-5001 unmapped"], merged);
        Assert.Equal(0, await CountAsync(app, "events"));
        var unmapped = Assert.Single((await (await app.Admin().GetAsync("/api/v1/identities/unmapped", Ct)).JsonAsync()).EnumerateArray());
        Assert.Equal(("github", "1001", "ada-gh", 2), (unmapped.GetProperty("provider").GetString(), unmapped.GetProperty("id").GetString(), unmapped.GetProperty("login").GetString(), unmapped.GetProperty("events").GetInt32()));
        Assert.Equal(Now, unmapped.GetProperty("firstSeen").GetDateTimeOffset());

        // Mapped with an id the payloads do not carry (say, from an old export): the login is the fallback.
        var response = await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada", identities = new object[] { new { provider = "github", id = "legacy-ada", login = "ADA-GH" }, new { provider = "email", id = "ada@example.com" } } }), TestContext.Current.CancellationToken);
        var employee = await response.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(2, employee.GetProperty("identities").GetArrayLength());
        Assert.Empty((await (await app.Admin().GetAsync("/api/v1/identities/unmapped", Ct)).JsonAsync()).EnumerateArray());
        Assert.Equal(["ada grace", "grace ada"], await ActorsAndAuthorsAsync(app));
        Assert.Equal(1, (await app.EvaluateAsync()).GetProperty("granted").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "first-merge"));
        Assert.Equal(1, (await app.ProgressAsync("grace", "trusted-reviewer")).Counted("review.approved"));
    }

    [Fact]
    public async Task An_identity_belongs_to_one_employee_and_the_employee_shows_it()
    {
        await using var app = new AchievementsApp();
        await MapAsync(app, "ada", "583231", "octocat");

        var clash = await app.Admin().PutAsync("/api/v1/employees/bob", Problem.JsonBody(new { displayName = "Bob", identities = new[] { new { provider = "github", id = "583231", login = "octocat" } } }), TestContext.Current.CancellationToken);
        var sameLogin = await app.Admin().PutAsync("/api/v1/employees/bob", Problem.JsonBody(new { displayName = "Bob", identities = new[] { new { provider = "github", id = "9", login = "OctoCat" } } }), TestContext.Current.CancellationToken);
        var invalid = await app.Admin().PutAsync("/api/v1/employees/bob", Problem.JsonBody(new { displayName = "Bob", identities = new[] { new { provider = "Git Hub", id = "" } } }), TestContext.Current.CancellationToken);

        Assert.Contains("'ada'", (await Problem.AssertAsync(clash, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problem.AssertAsync(sameLogin, HttpStatusCode.Conflict);
        var twice = await app.Admin().PutAsync("/api/v1/employees/bob", Problem.JsonBody(new { displayName = "Bob", identities = new[] { new { provider = "github", id = "1", login = "bob" }, new { provider = "github", id = "2", login = "BOB" } } }), TestContext.Current.CancellationToken);
        Assert.Contains("identities", (await Problem.ValidationErrorsAsync(twice)).Keys);
        var errors = await Problem.ValidationErrorsAsync(invalid);
        Assert.Contains("identities[0].provider", errors.Keys);
        Assert.Contains("identities[0].id", errors.Keys);
        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/bob", Ct), HttpStatusCode.NotFound);
        var ada = await (await app.Admin().GetAsync("/api/v1/employees/ada", Ct)).JsonAsync();
        Assert.Equal("""[{"provider":"github","id":"583231","login":"octocat"}]""", ada.GetProperty("identities").GetRawText());

        // Left out, the identities stay; an empty list removes them.
        await app.PutEmployeeAsync("ada", "Ada Lovelace");
        Assert.Equal(1, (await (await app.Admin().GetAsync("/api/v1/employees/ada", Ct)).JsonAsync()).GetProperty("identities").GetArrayLength());
        await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada", identities = Array.Empty<object>() }), TestContext.Current.CancellationToken);
        Assert.Equal(0, (await (await app.Admin().GetAsync("/api/v1/employees/ada", Ct)).JsonAsync()).GetProperty("identities").GetArrayLength());
    }

    [Fact]
    public async Task The_integration_keeps_its_secret_protected_audited_and_readable_after_a_restart()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var app = new AchievementsApp(path))
            {
                var before = await (await app.Admin().GetAsync("/api/v1/integrations/github", Ct)).JsonAsync();
                Assert.Equal("""{"configured":false,"webhookUrl":"/api/v1/webhooks/github","autoCreateEmployees":false}""", before.GetRawText());
                var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/integrations/github", Problem.JsonBody(new { webhookSecret = "too-short" }), TestContext.Current.CancellationToken));
                Assert.Contains("webhookSecret", errors.Keys);
                await Problem.AssertAsync(await app.Admin().PutAsync("/api/v1/integrations/github", Problem.JsonBody(new { webhookSecret = GithubDeliveries.Secret, extra = 1 }), TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);

                var put = await (await app.Admin().PutAsync("/api/v1/integrations/github", Problem.JsonBody(new { webhookSecret = GithubDeliveries.Secret, autoCreateEmployees = true }), TestContext.Current.CancellationToken)).JsonAsync();

                Assert.Equal("""{"configured":true,"webhookUrl":"/api/v1/webhooks/github","autoCreateEmployees":true}""", put.GetRawText());
                Assert.Equal(put.GetRawText(), (await (await app.Admin().GetAsync("/api/v1/integrations/github", Ct)).JsonAsync()).GetRawText());
                var stored = await ScalarAsync<string>(app, "SELECT protected_secret FROM github_integration");
                Assert.DoesNotContain(GithubDeliveries.Secret, stored, StringComparison.Ordinal);
                Assert.Equal(0, await ScalarAsync<long>(app, $"SELECT count(*) FROM audit_log WHERE details LIKE '%{GithubDeliveries.Secret}%'"));
                Assert.Equal(1, await ScalarAsync<long>(app, "SELECT count(*) FROM audit_log WHERE action = 'integration.github.configured'"));
            }

            // Another start on the same file reads the key ring from the database and verifies as before.
            await using (var restarted = new AchievementsApp(path))
            {
                var ping = await new GithubDeliveries(restarted).SendAsync("ping", GithubDeliveries.FixtureText("octokit-webhooks/ping/payload.json"));
                Assert.True((await ping.JsonAsync(HttpStatusCode.OK)).GetProperty("ping").GetBoolean());
            }
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    private static async Task<string[]> ActorsAndAuthorsAsync(AchievementsApp app)
    {
        await using var connection = app.Connect();
        var rows = await Dapper.SqlMapper.QueryAsync<string>(connection, TestStore.IsSqlite
            ? "SELECT actor || ' ' || coalesce(json_extract(attributes, '$.author'), json_extract(attributes, '$.reviewers[0]')) FROM events ORDER BY event_id"
            : "SELECT actor || ' ' || coalesce(CAST(attributes AS jsonb) ->> 'author', CAST(attributes AS jsonb) -> 'reviewers' ->> 0) FROM events ORDER BY event_id");
        return [.. rows];
    }
}
