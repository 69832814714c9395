using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Achievements.Web.Tests;

/// <summary>What the pages are tested against, posted through the API as sources and admins would.</summary>
internal static class Seed
{
    /// <summary>ada: twelve reviewed pull requests (Merge Master bronze), three she reviewed herself, one too small.</summary>
    public const string Ada = "ada";

    public const int SelfReviewed = 3;

    /// <summary>Two pairs who approve only each other's pull requests: review rings. The first is dismissed by a test, the second stays open.</summary>
    public static readonly string[][] Rings = [["ring-a", "ring-b"], ["ring-c", "ring-d"]];

    /// <summary>Colleagues who review ada's pull requests, and those of an employee of their own.</summary>
    public static readonly string[] Reviewers = ["grace", "linus"];

    /// <summary>An employee whose display name is a script.</summary>
    public const string Mallory = "mallory";

    public const string MalloryName = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">";

    public static async Task RunAsync(WebApp app)
    {
        using var source = new HttpClient { BaseAddress = app.Admin.BaseAddress };
        source.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateKeyAsync("source", "github"));

        // Only people vouch: the reviewers, and the rings' members who approve each other, are in the directory before
        // their reviews arrive, as SCIM or an admin puts a company's people there.
        foreach (var person in Rings.SelectMany(ring => ring).Concat(Reviewers))
        {
            (await app.Admin.PutAsJsonAsync($"employees/{person}", new { displayName = person })).EnsureSuccessStatusCode();
        }

        var now = DateTimeOffset.UtcNow;
        // Pull requests settle after 7 days, so everything is at least 8 days old.
        var events = new List<object>();
        for (var i = 0; i < 12; i++)
        {
            events.Add(PullRequest($"ada-{i}", Ada, now.AddDays(-8 - (i * 6)), reviewer: Reviewers[i % 2], lines: 60, aiAssisted: i == 0 ? true : null));
        }

        for (var i = 0; i < SelfReviewed; i++)
        {
            events.Add(PullRequest($"ada-self-{i}", Ada, now.AddDays(-9 - (i * 5)), reviewer: Ada, lines: 40));
        }

        events.Add(PullRequest("ada-tiny", Ada, now.AddDays(-11), reviewer: "grace", lines: 2));

        // Frugal Builder asks whether AI helped: ada-0 is only labelled so (above), a co-author trailer shows it for ada-1.
        events.Add(new { id = "gh-evidence-ada-1", type = "ai.evidence", actor = Ada, occurredAt = now.AddDays(-14).ToString("O"), attributes = new { pr_id = "ada-1", tool = "claude", evidence = "co-author-trailer" } });

        foreach (var (first, second) in Rings.Select(r => (r[0], r[1])))
        {
            for (var i = 0; i < 12; i++)
            {
                var day = now.AddDays(-10 - (i * 5));
                events.Add(Approval($"{first}-{i}", first, author: second, day));
                events.Add(Approval($"{second}-{i}", second, author: first, day.AddHours(1)));
                // An approval counts once the pull request it approved merged: each ring member merges what the other approved.
                events.Add(PullRequest($"pr-{first}-{i}", second, day.AddMinutes(30), reviewer: first, lines: 40));
                events.Add(PullRequest($"pr-{second}-{i}", first, day.AddMinutes(90), reviewer: second, lines: 40));
            }
        }

        var posted = await source.PostAsJsonAsync("events", new { events });
        posted.EnsureSuccessStatusCode();
        var answer = await posted.Content.ReadFromJsonAsync<JsonElement>();
        if (answer.GetProperty("rejected").GetInt32() != 0)
        {
            throw new InvalidOperationException($"Seed events were rejected: {answer}");
        }

        // The model gateway reports ada's spend, with what it cost: the cost view's figures.
        using var gateway = new HttpClient { BaseAddress = app.Admin.BaseAddress };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateKeyAsync("source", "gateway"));
        (await gateway.PostAsJsonAsync("events", new
        {
            events = new[] { 10, 17 }.Select(days => new
            {
                id = $"spend-{days}",
                type = "tokens.consumed",
                actor = Ada,
                occurredAt = now.AddDays(-days).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                attributes = new { tokens = 60_000, model = "claude-sonnet", cost_usd = 0.9 },
            }),
        })).EnsureSuccessStatusCode();

        // Her email identity names her in the credentials she downloads.
        (await app.Admin.PutAsJsonAsync($"employees/{Ada}", new { displayName = "Ada Lovelace", team = "Compilers", identities = new[] { new { provider = "email", id = "ada@example.test" } } })).EnsureSuccessStatusCode();
        (await app.Admin.PutAsJsonAsync($"employees/{Mallory}", new { displayName = MalloryName, team = "<b>Red team</b>" })).EnsureSuccessStatusCode();
        app.AdaKey = await app.CreateKeyAsync("employee", Ada);
        app.HeldKey = await app.CreateKeyAsync("employee", Rings[1][0]);
        await app.EvaluateAsync();

        // The first preview or publish of a day simulates a year of every farming persona for the adversarial
        // gate; doing it once here keeps the tests that preview and publish from paying for it in parallel.
        (await app.Admin.PostAsJsonAsync("badges/preview", new
        {
            name = "Warm-up",
            icon = "W",
            metric = "count(pr.merged, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 10 } },
        })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// An employee of their own with Steady Shipper bronze (a reviewed merge in each of eight weeks), and their employee
    /// key: for a test that changes what the directory shows of someone, so that no other test's employee changes under
    /// it. Eight merges stay under every count the other tests make (Merge Master and the admin preview need ten).
    /// </summary>
    public static async Task<string> EmployeeOfTheirOwnAsync(WebApp app, string employee)
    {
        using var source = new HttpClient { BaseAddress = app.Admin.BaseAddress };
        source.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateKeyAsync("source", "github"));
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 8).Select(i => PullRequest($"{employee}-{i}", employee, now.AddDays(-8 - (i * 7)), reviewer: Reviewers[i % 2], lines: 60));
        (await source.PostAsJsonAsync("events", new { events })).EnsureSuccessStatusCode();
        await app.EvaluateAsync();
        return await app.CreateKeyAsync("employee", employee);
    }

    /// <summary>A reviewed, merged pull request; labelled AI-assisted (a claim, nothing more) when <paramref name="aiAssisted"/> says so.</summary>
    private static object PullRequest(string id, string actor, DateTimeOffset at, string reviewer, int lines, bool? aiAssisted = null)
    {
        var attributes = new Dictionary<string, object>
        {
            ["pr_id"] = id,
            ["repo"] = "web",
            ["lines_added"] = lines,
            ["lines_deleted"] = 0,
            ["merged_by"] = reviewer,
            ["reviewers"] = new[] { reviewer },
        };
        if (aiAssisted is { } claimed)
        {
            attributes["ai_assisted"] = claimed;
        }

        return new { id = $"gh-pr-{id}", type = "pr.merged", actor, occurredAt = at.ToString("O"), attributes };
    }

    private static object Approval(string id, string actor, string author, DateTimeOffset at) => new
    {
        id = $"gh-review-{id}",
        type = "review.approved",
        actor,
        occurredAt = at.ToString("O"),
        attributes = new { pr_id = $"pr-{id}", author },
    };
}
