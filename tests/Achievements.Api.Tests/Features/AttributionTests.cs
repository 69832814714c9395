using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// A merge is AI-assisted for the badges only on evidence, through the service on either store: a label is a claim,
/// a co-author trailer (named by the merge commit), a tool's report (named by the pull request) or an accepted
/// suggestion that shipped in it is evidence, and progress says per merge which.
/// </summary>
public sealed class AttributionTests
{
    private static readonly DateTimeOffset Now = Personas.Now;
    private static readonly string[] Team = ["rex", "sue", "tom"];

    private static Personas Merge(Personas events, string actor, int daysAgo, string prId, bool? label, string? commit = null)
    {
        var attributes = new Dictionary<string, object?>
        {
            ["pr_id"] = prId,
            ["repo"] = "web",
            ["lines_added"] = 90,
            ["lines_deleted"] = 5,
            ["merged_by"] = Team[daysAgo % 3],
            ["reviewers"] = new[] { Team[daysAgo % 3], Team[(daysAgo + 1) % 3] },
            ["ai_assisted"] = label,
            ["merge_commit_sha"] = commit,
        };
        return events.Add("pr.merged", actor, Now.AddDays(-daysAgo), attributes);
    }

    [Fact]
    public async Task Labels_earn_no_frugal_builder_and_evidence_does()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var day = 10; day < 17; day++)
        {
            // lab labels seven merges and shows nothing; evi's seven carry trailers (by commit) or tool reports (by pull request).
            Merge(events, "lab", day, $"lab-{day}", label: true);
            var commit = $"{day:x2}{new string('a', 38)}";
            Merge(events, "evi", day, $"evi-{day}", label: null, commit: commit);
            events.Add("ai.evidence", "evi", Now.AddDays(-day), day % 2 == 0
                ? new() { ["commit_sha"] = commit, ["tool"] = "claude", ["evidence"] = "co-author-trailer" }
                : new() { ["pr_id"] = $"evi-{day}", ["tool"] = "claude-code", ["evidence"] = "tool-report" });
        }

        events.Tokens("lab", Now.AddDays(-5), 100_000).Tokens("evi", Now.AddDays(-5), 100_000);
        await events.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("lab", "frugal-builder"));
        Assert.Equal("gold", await app.TierOfAsync("evi", "frugal-builder"));
        // Both merged seven reviewed pull requests: every other badge sees them alike.
        Assert.Equal(await app.TierOfAsync("lab", "merge-master"), await app.TierOfAsync("evi", "merge-master"));

        var lab = Attribution(await app.ProgressAsync("lab", "frugal-builder"));
        Assert.Equal(7, lab.Count);
        Assert.All(lab, m => Assert.Equal("False True none", m));
        var evi = Attribution(await app.ProgressAsync("evi", "frugal-builder"));
        Assert.Equal(["True False co-author-trailer:claude", "True False tool-report:claude-code"], evi.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_accepted_suggestion_that_shipped_is_evidence_for_its_merge()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        Merge(events, "sam", 12, "sam-1", label: null);
        Merge(events, "sam", 20, "sam-2", label: true);
        events.Add("suggestion.accepted", "sam", Now.AddDays(-12).AddHours(-2), new() { ["suggestion_id"] = "sg-1", ["lines"] = 6, ["language"] = "go", ["pr_id"] = "sam-1" }, source: "editor");
        await events.SendAsync();

        var merges = (await app.ProgressAsync("sam", "frugal-builder")).GetProperty("signals").EnumerateArray()
            .Single(s => s.GetProperty("type").GetString() == "pr.merged").GetProperty("attribution").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => (m.GetProperty("attributed").GetBoolean(), string.Join(" ", m.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()))));

        Assert.Equal((true, "shipped-suggestion"), merges["sam-1"]);
        Assert.Equal((false, ""), merges["sam-2"]);
    }

    /// <summary>Each counted merge's "attributed claimed evidence" in the badge's progress.</summary>
    private static List<string> Attribution(JsonElement progress) =>
        [.. progress.GetProperty("signals").EnumerateArray()
            .Single(s => s.GetProperty("type").GetString() == "pr.merged").GetProperty("attribution").EnumerateArray()
            .Select(m => $"{m.GetProperty("attributed").GetBoolean()} {m.GetProperty("claimed").GetBoolean()} {(m.GetProperty("evidence").GetArrayLength() == 0 ? "none" : string.Join(" ", m.GetProperty("evidence").EnumerateArray().Select(e => e.GetString())))}")];
}
