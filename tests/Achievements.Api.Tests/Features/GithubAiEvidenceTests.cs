using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Features.Github;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using static Achievements.Api.Tests.Features.GithubWebhookTests;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// What GitHub shows of AI at work: the commit a merge became, co-author trailers in pushed commits, and pull requests
/// an agent account opened, replayed from the shared fixtures' real payloads and messages.
/// </summary>
public sealed class GithubAiEvidenceTests
{
    private const string ClaudeCommitFixture = "rest/pygithub-replaydata/git/get-git-commit-co-authored-by-claude.json";

    /// <summary>The real squash merge from PyGithub's recordings: its id, message and time, with Claude's trailer.</summary>
    private static (string Sha, string Message, DateTimeOffset At) ClaudeCommit()
    {
        var commit = GithubDeliveries.Fixture(ClaudeCommitFixture);
        return (commit["sha"]!.GetValue<string>(), commit["message"]!.GetValue<string>(),
            DateTimeOffset.Parse(commit["committer"]!["date"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    private static async Task<(AchievementsApp App, GithubDeliveries Github)> StartAsync(DateTimeOffset? at = null)
    {
        var app = new AchievementsApp(start: at);
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await MapAsync(app, "ada", "1001", "ada-gh");
        await MapAsync(app, "grace", "1002", "grace-gh");
        return (app, github);
    }

    private static async Task<(string Actor, JsonElement Attributes)> StoredAsync(AchievementsApp app, string eventId)
    {
        var actor = await ScalarAsync<string>(app, $"SELECT actor FROM events WHERE event_id = '{eventId}'");
        return (actor, JsonDocument.Parse(await ScalarAsync<string>(app, $"SELECT attributes FROM events WHERE event_id = '{eventId}'")).RootElement);
    }

    [Fact]
    public async Task A_merged_pull_request_carries_the_commit_it_merged_as()
    {
        var (app, github) = await StartAsync();
        await using var owned = app;
        // reallyfastci's captured merge; GitHub wrote its merge commit's id there.
        var recorded = GithubDeliveries.Fixture("reallyfastci/webhook-pr-close.json")["pull_request"]!["merge_commit_sha"]!.GetValue<string>();
        var merge = GithubDeliveries.Merge("octo-org/web", 7, 9007, GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), AchievementsApp.Start.AddHours(-1));
        var malformed = GithubDeliveries.Merge("octo-org/web", 8, 9008, GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), AchievementsApp.Start.AddHours(-1));
        malformed["pull_request"]!["merge_commit_sha"] = "a21683865c08";

        Assert.Equal(["pr.merged merge-9007 stored"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", merge)));
        Assert.Equal(["pr.merged merge-9008 stored"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", malformed)));

        Assert.Equal("a21683865c088b5fe1906cf6552d15a285a4986d", recorded);
        Assert.Equal(recorded, (await StoredAsync(app, "merge-9007")).Attributes.GetProperty("merge_commit_sha").GetString());
        // Not a commit id: left out, not guessed at.
        Assert.False((await StoredAsync(app, "merge-9008")).Attributes.TryGetProperty("merge_commit_sha", out _));
    }

    [Fact]
    public async Task A_closed_unmerged_pull_request_stores_nothing_though_it_names_a_merge_commit()
    {
        var text = GithubDeliveries.FixtureText("octokit-webhooks/pull_request/closed.payload.json");
        var pr = JsonNode.Parse(text)!["pull_request"]!;
        var (app, github) = await StartAsync(DateTimeOffset.Parse(pr["updated_at"]!.GetValue<string>(), CultureInfo.InvariantCulture).AddMinutes(1));
        await using var owned = app;

        var body = await (await github.SendAsync("pull_request", text)).JsonAsync(HttpStatusCode.Accepted);

        // GitHub's test merge: merge_commit_sha is set, merged is false.
        Assert.False(pr["merged"]!.GetValue<bool>());
        Assert.Matches("^[0-9a-f]{40}$", pr["merge_commit_sha"]!.GetValue<string>());
        Assert.True(body.GetProperty("ignored").GetBoolean());
        Assert.Equal(0, await CountAsync(app, "events") + await CountAsync(app, "unmapped_events"));
    }

    [Fact]
    public async Task A_pushed_commit_with_Claudes_co_author_trailer_is_evidence_for_its_author()
    {
        var (sha, message, at) = ClaudeCommit();
        var (app, github) = await StartAsync(at.AddMinutes(1));
        await using var owned = app;
        // Grace pushed Ada's commit: the evidence is the author's, whose login maps her.
        var push = GithubDeliveries.Push("octo-org/web", GithubDeliveries.User("grace-gh", 1002), GithubDeliveries.Commit(sha, message, "ada-gh", at));

        var statuses = await GithubDeliveries.StatusesAsync(await github.SendAsync("push", push));

        Assert.Equal([$"ai.evidence evidence-{sha}-claude stored"], statuses);
        var (actor, attributes) = await StoredAsync(app, $"evidence-{sha}-claude");
        Assert.Equal("ada", actor);
        Assert.Equal($$"""{"commit_sha":"{{sha}}","tool":"claude","evidence":"co-author-trailer"}""", attributes.GetRawText());
        Assert.Equal(at, DateTimeOffset.Parse(await ScalarAsync<string>(app, $"SELECT occurred_at FROM events WHERE event_id = 'evidence-{sha}-claude'"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_push_without_an_AI_trailer_stores_nothing()
    {
        var (sha, message, at) = ClaudeCommit();
        var (app, github) = await StartAsync(at.AddMinutes(1));
        await using var owned = app;
        // The same real message with only its human co-author left, and the REST example's commit without trailers.
        var human = string.Join('\n', message.Split('\n').Where(line => !line.Contains("Claude", StringComparison.Ordinal)));
        var plain = JsonNode.Parse(GithubDeliveries.FixtureText("rest/openapi-examples/commit-items.json"))![0]!["commit"]!["message"]!.GetValue<string>();
        var push = GithubDeliveries.Push("octo-org/web", GithubDeliveries.User("ada-gh", 1001),
            GithubDeliveries.Commit(sha, human, "ada-gh", at), GithubDeliveries.Commit(new string('b', 40), plain, "ada-gh", at));

        var body = await (await github.SendAsync("push", push)).JsonAsync(HttpStatusCode.Accepted);

        Assert.Contains("Co-authored-by: Enrico Minack", human, StringComparison.Ordinal);
        Assert.Equal("Fix all the bugs", plain);
        Assert.True(body.GetProperty("ignored").GetBoolean());
        Assert.Equal(0, await CountAsync(app, "events") + await CountAsync(app, "unmapped_events") + await CountAsync(app, "github_deliveries"));
    }

    [Fact]
    public async Task A_redelivered_push_is_a_duplicate_and_the_same_commit_again_is_stored_once()
    {
        var (sha, message, at) = ClaudeCommit();
        var (app, github) = await StartAsync(at.AddMinutes(1));
        await using var owned = app;
        var push = GithubDeliveries.Push("octo-org/web", GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.Commit(sha, message, "ada-gh", at));

        Assert.Equal([$"ai.evidence evidence-{sha}-claude stored"], await GithubDeliveries.StatusesAsync(await github.SendAsync("push", push, "push-1")));
        var again = await (await github.SendAsync("push", push, "push-1")).JsonAsync(HttpStatusCode.OK);
        // The same commit pushed to another branch: another delivery, the same evidence.
        var elsewhere = await GithubDeliveries.StatusesAsync(await github.SendAsync("push", push, "push-2"));

        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal([$"ai.evidence evidence-{sha}-claude duplicate"], elsewhere);
        Assert.Equal(1, await CountAsync(app, "events"));
    }

    [Fact]
    public async Task A_push_that_merges_a_pull_request_names_it_and_an_unknown_author_leaves_the_evidence_to_the_pusher()
    {
        var (sha, message, at) = ClaudeCommit();
        var (app, github) = await StartAsync(at.AddMinutes(5));
        await using var owned = app;
        // GitHub's merge button: the branch's commit (pushed before, so not distinct) and the merge commit it made.
        var mergeCommit = new string('c', 40);
        var push = GithubDeliveries.Push("octo-org/web", GithubDeliveries.User("grace-gh", 1002),
            GithubDeliveries.Commit(sha, message, "sebastien-gh", at, distinct: false),
            GithubDeliveries.Commit(mergeCommit, "Merge pull request #42 from octo-org/dispatch-details\n\nAdd return_run_details", "grace-gh", at.AddMinutes(2)));
        // By a stranger the pusher does not know: held until the pusher, too, is someone.
        var stranger = GithubDeliveries.Push("octo-org/web", GithubDeliveries.User("outsider", 9001), GithubDeliveries.Commit(new string('d', 40), message, null, at));

        var statuses = await GithubDeliveries.StatusesAsync(await github.SendAsync("push", push));
        var held = await GithubDeliveries.StatusesAsync(await github.SendAsync("push", stranger));

        Assert.Equal([$"ai.evidence evidence-{sha}-claude-pr-42 stored"], statuses);
        var (actor, attributes) = await StoredAsync(app, $"evidence-{sha}-claude-pr-42");
        Assert.Equal("grace", actor);
        Assert.Equal("octo-org/web#42", attributes.GetProperty("pr_id").GetString());
        Assert.Equal(sha, attributes.GetProperty("commit_sha").GetString());
        Assert.Equal([$"ai.evidence evidence-{new string('d', 40)}-claude unmapped"], held);
        var waiting = Assert.Single((await (await app.Admin().GetAsync("/api/v1/identities/unmapped", TestContext.Current.CancellationToken)).JsonAsync()).EnumerateArray());
        Assert.Equal("9001", waiting.GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_agents_merged_pull_request_is_its_assignees_with_agent_account_evidence()
    {
        var (app, github) = await StartAsync();
        await using var owned = app;
        await MapAsync(app, "alan", "1003", "alan-gh");
        var (ada, grace, alan) = (GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002), GithubDeliveries.User("alan-gh", 1003));
        var agent = GithubDeliveries.User("copilot-swe-agent[bot]", 198982749, "Bot");
        var at = AchievementsApp.Start.AddHours(-5);
        // Ada shepherded it and approved it too; Grace approved it; Alan merged it.
        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 50, agent, ada, 5001, at));
        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 50, agent, grace, 5002, at.AddMinutes(1)));
        var merge = GithubDeliveries.Merge("octo-org/web", 50, 9050, agent, alan, at.AddHours(1), additions: 120, deletions: 8);
        merge["pull_request"]!["assignees"] = new JsonArray(agent.DeepClone(), GithubDeliveries.User("outsider", 9001), ada.DeepClone());

        var statuses = await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", merge));

        Assert.Equal(["pr.merged merge-9050 stored", "review.approved review-5002 stored", "ai.evidence evidence-agent-9050 stored"], statuses);
        var (owner, merged) = await StoredAsync(app, "merge-9050");
        Assert.Equal("ada", owner);
        Assert.Equal(["grace"], merged.GetProperty("reviewers").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("alan-gh", merged.GetProperty("merged_by").GetString());
        var (approver, approval) = await StoredAsync(app, "review-5002");
        Assert.Equal(("grace", "ada"), (approver, approval.GetProperty("author").GetString()));
        var (actor, evidence) = await StoredAsync(app, "evidence-agent-9050");
        Assert.Equal("ada", actor);
        Assert.Equal("""{"pr_id":"octo-org/web#50","tool":"copilot-swe-agent[bot]","evidence":"agent-account"}""", evidence.GetRawText());
        // The shepherd's own approval is no review of her work.
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT count(*) FROM events WHERE event_id = 'review-5001'"));
    }

    [Fact]
    public async Task An_agents_pull_request_with_no_mapped_assignee_is_its_mergers_and_with_no_one_stays_the_bots()
    {
        var (app, github) = await StartAsync();
        await using var owned = app;
        var agent = GithubDeliveries.User("Copilot", 198982749, "Bot");
        var merged = GithubDeliveries.Merge("octo-org/web", 51, 9051, agent, GithubDeliveries.User("grace-gh", 1002), AchievementsApp.Start.AddHours(-1));
        merged["pull_request"]!["assignees"] = new JsonArray(GithubDeliveries.User("outsider", 9001));
        var nobody = GithubDeliveries.Merge("octo-org/web", 52, 9052, agent, GithubDeliveries.User("outsider", 9001), AchievementsApp.Start.AddHours(-1));

        Assert.Equal(["pr.merged merge-9051 stored", "ai.evidence evidence-agent-9051 stored"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", merged)));
        Assert.Equal(["pr.merged merge-9052 bot"], await GithubDeliveries.StatusesAsync(await github.SendAsync("pull_request", nobody)));

        Assert.Equal("grace", (await StoredAsync(app, "merge-9051")).Actor);
        Assert.Equal("Copilot", (await StoredAsync(app, "evidence-agent-9051")).Attributes.GetProperty("tool").GetString());
        Assert.Equal(2, await CountAsync(app, "events"));
    }

    /// <summary>Trailers as tools write them; the PyGithub message is the real one.</summary>
    public static TheoryData<string, string> Trailers => new()
    {
        { "Fix it\n\nCo-authored-by: Claude Sonnet 4.5 <noreply@anthropic.com>\nCo-authored-by: Enrico Minack <github@enrico.minack.dev>", "claude" },
        { "Fix it\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "claude" },
        { "Fix it\n\nco-authored-by: Someone <NOREPLY@anthropic.com>", "claude" },
        { "Fix it\n\nAssisted-by: Copilot <175728472+Copilot@users.noreply.github.com>", "copilot" },
        { "Fix it\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>", "copilot cursor" },
        { "Fix it\n\nCo-authored-by: aider (openai/gpt-4o) <noreply@aider.chat>", "aider" },
        { "Fix it\n\nCo-authored-by: Claudette Smith <claudette@example.com>", "" },
        // Trailers are the last paragraph's lines, as git reads them: a quoted one in the body is no trailer.
        { "Document trailers\n\nCo-authored-by: Claude <noreply@anthropic.com> marks Claude's commits.\n\nSigned-off-by: Ada <ada@example.com>", "" },
        { "Mention Claude in the subject\n\nNo trailers here.", "" },
    };

    [Theory]
    [MemberData(nameof(Trailers))]
    public void Trailers_naming_an_AI_tool_by_name_or_e_mail_are_found(string message, string tools)
    {
        var ai = GithubAiEvidence.From(new ConfigurationBuilder().Build());

        Assert.Equal(tools, string.Join(' ', ai.ToolsIn(message)));
    }

    [Fact]
    public void The_tools_and_agent_accounts_are_configured_under_achievements_github()
    {
        var configured = GithubAiEvidence.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Achievements:Github:AiTools:0"] = "Windsurf <noreply@windsurf.com>",
            ["Achievements:Github:AgentAccounts:0"] = "our-agent[bot]",
        }).Build());

        Assert.Equal(["windsurf"], configured.ToolsIn("Fix\n\nCo-authored-by: Someone <noreply@windsurf.com>"));
        Assert.Empty(configured.ToolsIn("Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>"));
        Assert.True(configured.IsAgent(new GithubAccount(1, "Our-Agent[bot]", true)));
        Assert.False(configured.IsAgent(new GithubAccount(2, "Copilot", true)));
        Assert.Throws<InvalidOperationException>(() => GithubAiEvidence.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Achievements:Github:AiTools:0"] = "two words",
        }).Build()));
    }
}
