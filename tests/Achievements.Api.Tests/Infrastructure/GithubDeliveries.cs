using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// GitHub's side of the webhook in tests: the fixtures of <c>../shared/fixtures/github</c> (real payloads, read where
/// they are, never copied), edited as a test needs, signed with the secret as GitHub signs them, and delivered.
/// </summary>
public sealed class GithubDeliveries(AchievementsApp app, string secret = GithubDeliveries.Secret)
{
    public const string Secret = "a-webhook-secret-of-some-length";

    private int _deliveries;

    public static string FixturesDirectory { get; } = Path.Combine(SharedFixtures.Root, "github");

    public static string FixtureText(string relativePath) => File.ReadAllText(Path.Combine(FixturesDirectory, relativePath));

    public static JsonObject Fixture(string relativePath) => JsonNode.Parse(FixtureText(relativePath))!.AsObject();

    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public async Task ConfigureAsync(bool autoCreateEmployees = false)
    {
        var response = await app.Admin().PutAsync("/api/v1/integrations/github", Problem.JsonBody(new { webhookSecret = secret, autoCreateEmployees }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Signs and sends a delivery; a null <paramref name="delivery"/> gets a fresh id.</summary>
    public Task<HttpResponseMessage> SendAsync(string githubEvent, string body, string? delivery = null, string? signature = null) =>
        SendAsync(githubEvent, Encoding.UTF8.GetBytes(body), delivery, signature);

    public Task<HttpResponseMessage> SendAsync(string githubEvent, JsonNode payload, string? delivery = null) =>
        SendAsync(githubEvent, payload.ToJsonString(), delivery);

    public async Task<HttpResponseMessage> SendAsync(string githubEvent, byte[] body, string? delivery, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", githubEvent);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? $"delivery-{Interlocked.Increment(ref _deliveries)}-{Guid.NewGuid():N}");
        request.Headers.Add("User-Agent", "GitHub-Hookshot/test");
        request.Headers.Add("X-Hub-Signature-256", signature ?? Signature(secret, body));
        return await app.Anonymous().SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The statuses of a 202's events as "type id status" lines.</summary>
    public static async Task<string[]> StatusesAsync(HttpResponseMessage response)
    {
        var body = await response.JsonAsync(HttpStatusCode.Accepted);
        return [.. body.GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("id").GetString()} {e.GetProperty("status").GetString()}")];
    }

    /// <summary>A GitHub user object as payloads carry it.</summary>
    public static JsonObject User(string login, long id, string type = "User") => new() { ["login"] = login, ["id"] = id, ["type"] = type };

    /// <summary>kodiak's recorded approval, made an approval by <paramref name="reviewer"/> of <paramref name="author"/>'s pull request.</summary>
    public static JsonObject Approval(string repo, int number, JsonObject author, JsonObject reviewer, long reviewId, DateTimeOffset at, string action = "submitted")
    {
        var payload = Fixture("kodiak/pull_request_review/approved.json");
        payload["action"] = action;
        var review = payload["review"]!.AsObject();
        review["id"] = reviewId;
        review["user"] = reviewer.DeepClone();
        review["submitted_at"] = SampleEvents.Rfc3339(at);
        if (action == "dismissed")
        {
            review["state"] = "dismissed";
        }

        PullRequest(payload, repo, number, author);
        payload["sender"] = reviewer.DeepClone();
        return payload;
    }

    /// <summary>reallyfastci's recorded merge, made the merge of <paramref name="author"/>'s pull request by <paramref name="mergedBy"/>.</summary>
    public static JsonObject Merge(string repo, int number, long pullRequestId, JsonObject author, JsonObject mergedBy, DateTimeOffset at, int additions = 80, int deletions = 3, string body = "")
    {
        var payload = Fixture("reallyfastci/webhook-pr-close.json");
        var pr = PullRequest(payload, repo, number, author);
        pr["id"] = pullRequestId;
        pr["merged_by"] = mergedBy.DeepClone();
        pr["merged_at"] = SampleEvents.Rfc3339(at);
        pr["closed_at"] = SampleEvents.Rfc3339(at);
        pr["additions"] = additions;
        pr["deletions"] = deletions;
        pr["body"] = body;
        payload["number"] = number;
        payload["sender"] = mergedBy.DeepClone();
        return payload;
    }

    /// <summary>
    /// A push in the shape GitHub documents (octokit/webhooks' <c>push</c> example): no recorded push delivery is among
    /// the fixtures, so the envelope is written here; the commits' messages come from the recorded REST fixtures.
    /// </summary>
    public static JsonObject Push(string repo, JsonObject sender, params JsonObject[] commits) => new()
    {
        ["ref"] = "refs/heads/main",
        ["before"] = new string('0', 40),
        ["after"] = commits[^1]["id"]!.DeepClone(),
        ["created"] = false,
        ["deleted"] = false,
        ["forced"] = false,
        ["base_ref"] = null,
        ["commits"] = new JsonArray([.. commits.Select(c => c.DeepClone())]),
        ["head_commit"] = commits[^1].DeepClone(),
        ["repository"] = new JsonObject { ["name"] = repo.Split('/')[1], ["full_name"] = repo },
        ["pusher"] = new JsonObject { ["name"] = sender["login"]!.DeepClone(), ["email"] = $"{sender["login"]}@users.noreply.github.com" },
        ["sender"] = sender.DeepClone(),
    };

    /// <summary>One commit of a push; <paramref name="username"/> is the author's GitHub login, null when their e-mail is no account's.</summary>
    public static JsonObject Commit(string sha, string message, string? username, DateTimeOffset at, bool distinct = true)
    {
        var author = new JsonObject { ["name"] = username ?? "Someone", ["email"] = $"{username ?? "someone"}@example.com" };
        if (username is not null)
        {
            author["username"] = username;
        }

        return new JsonObject
        {
            ["id"] = sha,
            ["tree_id"] = new string('e', 40),
            ["distinct"] = distinct,
            ["message"] = message,
            ["timestamp"] = SampleEvents.Rfc3339(at),
            ["author"] = author,
            ["committer"] = new JsonObject { ["name"] = "GitHub", ["email"] = "noreply@github.com", ["username"] = "web-flow" },
            ["added"] = new JsonArray(),
            ["removed"] = new JsonArray(),
            ["modified"] = new JsonArray("README.md"),
        };
    }

    private static JsonObject PullRequest(JsonObject payload, string repo, int number, JsonObject author)
    {
        var pr = payload["pull_request"]!.AsObject();
        pr["number"] = number;
        pr["user"] = author.DeepClone();
        pr["base"]!["repo"]!["full_name"] = repo;
        payload["repository"]!["full_name"] = repo;
        return pr;
    }

}
