using System.Net;
using System.Text;
using System.Text.Json;
using Achievements.Api.Features.Github;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>GitHub's webhook: every recorded payload in the shared fixtures, signatures, redeliveries, and what each delivery became.</summary>
public sealed class GithubWebhookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The webhook test vector GitHub documents in "Validating webhook deliveries".
    private const string VectorSecret = "It's a Secret to Everybody";
    private const string VectorBody = "Hello, World!";
    private const string VectorSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    [Fact]
    public void Githubs_documented_test_vector_signs_and_verifies()
    {
        var secret = Encoding.UTF8.GetBytes(VectorSecret);
        Assert.Equal(VectorSignature, WebhookSignature.For(secret, Encoding.UTF8.GetBytes(VectorBody)));
        Assert.True(WebhookSignature.Matches(secret, Encoding.UTF8.GetBytes(VectorBody), VectorSignature));
        Assert.False(WebhookSignature.Matches(secret, Encoding.UTF8.GetBytes(VectorBody + " "), VectorSignature));
        Assert.False(WebhookSignature.Matches(secret, Encoding.UTF8.GetBytes(VectorBody), VectorSignature.ToUpperInvariant()[..^1] + "0"));
        Assert.False(WebhookSignature.Matches(secret, Encoding.UTF8.GetBytes(VectorBody), "sha1=757107ea0eb2509fc211221cce984b8a37570b6d"));
    }

    [Fact]
    public async Task The_test_vector_is_accepted_by_the_webhook_as_a_ping()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app, VectorSecret);
        await github.ConfigureAsync();

        var response = await github.SendAsync("ping", Encoding.UTF8.GetBytes(VectorBody), "vector-1", VectorSignature);

        var body = await response.JsonAsync(HttpStatusCode.OK);
        Assert.True(body.GetProperty("ping").GetBoolean());
    }

    /// <summary>What each recorded payload becomes (see the fixtures' PROVENANCE.md); every JSON file there has a row.</summary>
    public static TheoryData<string, string, string> Fixtures => new()
    {
        { "octokit-webhooks/ping/payload.json", "ping", "ping" },
        { "octokit-webhooks/pull_request/closed.payload.json", "pull_request", "ignored" },
        { "octokit-webhooks/pull_request_review/submitted.payload.json", "pull_request_review", "ignored" },
        { "kodiak/pull_request_review/approved.json", "pull_request_review", "review.approved review-232483784 held" },
        { "kodiak/pull_request_review/changes_requested.json", "pull_request_review", "ignored" },
        { "kodiak/pull_request/closed.json", "pull_request", "pr.merged merge-274946885 stored" },
        { "reallyfastci/webhook-pr-close.json", "pull_request", "pr.merged merge-340192383 unmapped" },
    };

    [Fact]
    public void Every_json_fixture_has_an_expected_outcome()
    {
        // rest/ holds REST API responses (the connectors' history), not webhook deliveries.
        var files = Directory.EnumerateFiles(GithubDeliveries.FixturesDirectory, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(GithubDeliveries.FixturesDirectory, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(path => !path.StartsWith("rest/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal(files, Fixtures.Select(row => row.Data.Item1).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Each_recorded_payload_becomes_what_it_says(string file, string githubEvent, string expected)
    {
        var text = GithubDeliveries.FixtureText(file);
        var payload = JsonDocument.Parse(text).RootElement;
        // Replayed at the time it was delivered, so that its times are recent, as they were then.
        var at = payload.TryGetProperty("pull_request", out var pr)
            ? DateTimeOffset.Parse(pr.GetProperty("updated_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(1)
            : AchievementsApp.Start;
        await using var app = new AchievementsApp(start: at);
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        // kodiak's merged pull request is chdsbd's, mapped by GitHub user id; reallyfastci's author is no one's yet.
        await MapAsync(app, "chdsbd", "1929960", "chdsbd");
        // The recorded delivery's own id, from the headers captured with it.
        var delivery = file.StartsWith("reallyfastci", StringComparison.Ordinal) ? "884a8280-101a-11ea-9c80-7ce4e70c2e4e" : null;

        var response = await github.SendAsync(githubEvent, text, delivery);

        switch (expected)
        {
            case "ping":
                Assert.True((await response.JsonAsync(HttpStatusCode.OK)).GetProperty("ping").GetBoolean());
                Assert.Equal(0, await CountAsync(app, "github_deliveries"));
                break;
            case "ignored":
                Assert.True((await response.JsonAsync(HttpStatusCode.Accepted)).GetProperty("ignored").GetBoolean());
                Assert.Equal(0, await CountAsync(app, "github_approvals") + await CountAsync(app, "events") + await CountAsync(app, "unmapped_events"));
                break;
            default:
                Assert.Equal([expected], await GithubDeliveries.StatusesAsync(response));
                break;
        }

        if (file == "kodiak/pull_request/closed.json")
        {
            // Merged by kodiak's bot, with no approval: stored as it is, and the bot is no reviewer, so it cannot count.
            var attributes = JsonDocument.Parse(await ScalarAsync<string>(app, "SELECT attributes FROM events WHERE event_id = 'merge-274946885'")).RootElement;
            Assert.Equal("chdsbd/test_repo#8", attributes.GetProperty("pr_id").GetString());
            Assert.Equal("kodiakhq[bot]", attributes.GetProperty("merged_by").GetString());
            Assert.Equal(0, attributes.GetProperty("reviewers").GetArrayLength());
            Assert.Equal("chdsbd", await ScalarAsync<string>(app, "SELECT actor FROM events WHERE event_id = 'merge-274946885'"));
        }

        if (file.StartsWith("reallyfastci", StringComparison.Ordinal))
        {
            var unmapped = await (await app.Admin().GetAsync("/api/v1/identities/unmapped", Ct)).JsonAsync();
            var person = Assert.Single(unmapped.EnumerateArray());
            Assert.Equal("github", person.GetProperty("provider").GetString());
            Assert.Equal("55861365", person.GetProperty("id").GetString());
            Assert.Equal("byao1276", person.GetProperty("login").GetString());
            Assert.Equal(1, person.GetProperty("events").GetInt32());
            Assert.Equal(0, await CountAsync(app, "events"));
        }
    }

    [Fact]
    public async Task A_redelivery_is_a_duplicate_and_changes_nothing()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "ada", "1001", "ada-gh");
        var merge = GithubDeliveries.Merge("octo-org/web", 7, 9007, GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), AchievementsApp.Start.AddHours(-1));

        Assert.Equal(["pr.merged merge-9007 stored"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", merge, "d-1")));
        var again = await (await github.SendAsync("pull_request", merge, "d-1")).JsonAsync(HttpStatusCode.OK);

        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal("d-1", again.GetProperty("delivery").GetString());
        Assert.Equal(1, await CountAsync(app, "events"));
        // The same merge in another delivery is the same event: stored once.
        Assert.Equal(["pr.merged merge-9007 duplicate"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", merge, "d-2")));
        Assert.Equal(1, await CountAsync(app, "events"));
    }

    [Fact]
    public async Task A_missing_or_wrong_signature_is_a_401_problem_and_stores_nothing()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        var approval = GithubDeliveries.Approval("octo-org/web", 1, GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), 501, AchievementsApp.Start).ToJsonString();

        // No secret is configured yet: nothing can be verified.
        await Problem.AssertAsync(await github.SendAsync("pull_request_review", approval), HttpStatusCode.Unauthorized);
        await github.ConfigureAsync();
        await Problem.AssertAsync(await github.SendAsync("pull_request_review", approval, signature: GithubDeliveries.Signature("another-secret-entirely", Encoding.UTF8.GetBytes(approval))), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await github.SendAsync("pull_request_review", approval, signature: ""), HttpStatusCode.Unauthorized);
        await Problem.AssertAsync(await github.SendAsync("pull_request_review", approval, signature: "sha256=nothex"), HttpStatusCode.Unauthorized);
        // Signed, then changed on the way.
        var signature = GithubDeliveries.Signature(GithubDeliveries.Secret, Encoding.UTF8.GetBytes(approval));
        var problem = await Problem.AssertAsync(await github.SendAsync("pull_request_review", approval.Replace("501", "502", StringComparison.Ordinal), signature: signature), HttpStatusCode.Unauthorized);
        Assert.Contains("X-Hub-Signature-256", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, await CountAsync(app, "github_deliveries") + await CountAsync(app, "github_approvals") + await CountAsync(app, "events") + await CountAsync(app, "unmapped_events"));
    }

    [Fact]
    public async Task Events_and_actions_it_does_not_use_are_ignored_with_202()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        var opened = GithubDeliveries.Merge("octo-org/web", 3, 9003, GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), AchievementsApp.Start);
        opened["action"] = "opened";

        foreach (var (githubEvent, payload) in new[] { ("pull_request", opened.ToJsonString()), ("push", """{"ref":"refs/heads/main"}"""), ("issues", """{"action":"opened"}""") })
        {
            var body = await (await github.SendAsync(githubEvent, payload)).JsonAsync(HttpStatusCode.Accepted);
            Assert.True(body.GetProperty("ignored").GetBoolean());
        }

        Assert.Equal(0, await CountAsync(app, "github_deliveries") + await CountAsync(app, "events"));
    }

    [Fact]
    public async Task A_payload_without_a_field_the_mapping_needs_is_a_400_naming_it()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        var approval = GithubDeliveries.Approval("octo-org/web", 1, GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), 501, AchievementsApp.Start);
        approval["review"]!.AsObject().Remove("submitted_at");

        var errors = await Problem.ValidationErrorsAsync(await github.SendAsync("pull_request_review", approval));

        Assert.Contains("review.submitted_at", errors.Keys);
        Assert.Contains("x-github-delivery", (await Problem.ValidationErrorsAsync(await github.SendAsync("pull_request_review", approval.ToJsonString(), delivery: ""))).Keys);
        Assert.Equal(0, await CountAsync(app, "github_deliveries"));
    }

    [Fact]
    public async Task A_dismissed_approval_is_withdrawn_and_the_merge_names_only_the_approvals_left()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "ada", "1001", "ada-gh");
        await MapAsync(app, "grace", "1002", "grace-gh");
        await MapAsync(app, "alan", "1003", "alan-gh");
        var (ada, grace, alan) = (GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), GithubDeliveries.User("alan-gh", 1003));
        var at = AchievementsApp.Start.AddHours(-5);

        Assert.Equal(["review.approved review-11 held"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 5, ada, grace, 11, at))));
        Assert.Equal(["review.approved review-12 held"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 5, ada, alan, 12, at.AddMinutes(1)))));
        Assert.Equal(["review.approved review-12 withdrawn"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 5, ada, alan, 12, at.AddMinutes(2), "dismissed"))));
        Assert.Equal(["review.approved review-99 not-held"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 5, ada, alan, 99, at.AddMinutes(2), "dismissed"))));
        var merged = await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 5, 9005, ada, grace, at.AddHours(1))));

        Assert.Equal(["pr.merged merge-9005 stored", "review.approved review-11 stored"], merged);
        var attributes = JsonDocument.Parse(await ScalarAsync<string>(app, "SELECT attributes FROM events WHERE event_id = 'merge-9005'")).RootElement;
        Assert.Equal(["grace"], attributes.GetProperty("reviewers").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("octo-org/web#5", attributes.GetProperty("pr_id").GetString());
        var approval = await ScalarAsync<string>(app, "SELECT actor || ' ' || occurred_at || ' ' || attributes FROM events WHERE event_id = 'review-11'");
        Assert.Equal($"grace {at:yyyy-MM-ddTHH:mm:ss.fffffff}Z {{\"pr_id\":\"octo-org/web#5\",\"author\":\"ada\"}}", approval);
        Assert.Equal(0, await CountAsync(app, "github_approvals"));
    }

    [Fact]
    public async Task An_unmapped_reviewer_is_no_voice_and_a_bots_approval_counts_for_nothing()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "ada", "1001", "ada-gh");
        var ada = GithubDeliveries.User("ada-gh", 1001);
        var at = AchievementsApp.Start.AddHours(-5);

        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 6, ada, GithubDeliveries.User("throwaway-1", 7001), 21, at));
        var bot = await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 6, ada, GithubDeliveries.User("helper[bot]", 7002, "Bot"), 22, at)));
        var merged = await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 6, 9006, ada, ada, at.AddHours(1))));

        Assert.Equal(["review.approved review-22 bot"], bot);
        Assert.Equal(["pr.merged merge-9006 stored", "review.approved review-21 unmapped"], merged);
        var attributes = JsonDocument.Parse(await ScalarAsync<string>(app, "SELECT attributes FROM events WHERE event_id = 'merge-9006'")).RootElement;
        Assert.Equal(0, attributes.GetProperty("reviewers").GetArrayLength());
    }

    [Fact]
    public async Task With_auto_create_an_unknown_login_becomes_an_employee_named_by_it()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync(autoCreateEmployees: true);
        var at = AchievementsApp.Start.AddHours(-5);
        var (ada, grace) = (GithubDeliveries.User("Ada-GH", 1001), GithubDeliveries.User("Grace-GH", 1002));

        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 8, ada, grace, 31, at));
        var merged = await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 8, 9008, ada, grace, at.AddHours(1))));

        Assert.Equal(["pr.merged merge-9008 stored", "review.approved review-31 stored"], merged);
        var employee = await (await app.Admin().GetAsync("/api/v1/employees/ada-gh", Ct)).JsonAsync();
        Assert.Equal("""[{"provider":"github","id":"1001","login":"Ada-GH"}]""", employee.GetProperty("identities").GetRawText());
        Assert.Equal(["grace-gh"], JsonDocument.Parse(await ScalarAsync<string>(app, "SELECT attributes FROM events WHERE event_id = 'merge-9008'")).RootElement.GetProperty("reviewers").EnumerateArray().Select(r => r.GetString()));
    }

    internal static async Task MapAsync(AchievementsApp app, string employee, string githubId, string login)
    {
        var response = await app.Admin().PutAsync($"/api/v1/employees/{employee}", Problem.JsonBody(new { displayName = employee, identities = new[] { new { provider = "github", id = githubId, login } } }), TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    internal static Task<long> CountAsync(AchievementsApp app, string table) => ScalarAsync<long>(app, $"SELECT count(*) FROM {table}");

    internal static async Task<T> ScalarAsync<T>(AchievementsApp app, string sql)
    {
        await using var connection = app.Connect();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
