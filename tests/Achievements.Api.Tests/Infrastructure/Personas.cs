using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// Builds a year of events the way sources would send them, for the people in the tests' stories:
/// an honest developer, and those who try to get badges without the work. Each event goes through a key of its
/// source: pull requests and reviews through <see cref="Code"/>, tokens through the model <see cref="Gateway"/>.
/// Only people vouch, so the reviewers and approved authors the events name are put in the directory first, as an
/// admin or SCIM would have, unless a story says a name is <see cref="NamedOnly"/>.
/// </summary>
public sealed class Personas(AchievementsApp app)
{
    /// <summary>The code host: the source of every event unless it says otherwise.</summary>
    public const string Code = "github";

    /// <summary>The model gateway: the only authoritative source of token reports in the built-in catalog.</summary>
    public const string Gateway = "gateway";

    private readonly List<(string Source, Dictionary<string, object?> Event)> _events = [];
    private readonly HashSet<string> _namedOnly = new(StringComparer.Ordinal);

    // Ids stay unique across the Personas of one test, so a second batch is never taken for a replay.
    private readonly string _prefix = Guid.NewGuid().ToString("N")[..8];
    private int _next;

    public static DateTimeOffset Now => AchievementsApp.Start;

    /// <summary>
    /// A merged pull request of 80 lines added and 5 deleted by default: more than one unit of work (80 lines that count),
    /// so merges a day apart each count. One labelled AI-assisted is honest: a co-author trailer naming it is sent first
    /// (evidence, as the GitHub source would store it), since the label alone is only a claim.
    /// </summary>
    public Personas PrMerged(string actor, DateTimeOffset at, string[]? reviewers = null, int linesAdded = 80, int linesDeleted = 5, bool? aiAssisted = null, string? prId = null, string repo = "web")
    {
        prId ??= $"pr-{_prefix}-{++_next}";
        if (aiAssisted == true)
        {
            Add("ai.evidence", actor, at, new() { ["pr_id"] = prId, ["tool"] = "claude", ["evidence"] = "co-author-trailer" });
        }

        var attributes = new Dictionary<string, object?>
        {
            ["pr_id"] = prId,
            ["repo"] = repo,
            ["lines_added"] = linesAdded,
            ["lines_deleted"] = linesDeleted,
            ["merged_by"] = reviewers?.FirstOrDefault() ?? actor,
            ["reviewers"] = reviewers ?? ["reviewer-1"],
        };
        if (aiAssisted is not null)
        {
            attributes["ai_assisted"] = aiAssisted;
        }

        return Add("pr.merged", actor, at, attributes);
    }

    public Personas PrReverted(string actor, DateTimeOffset at, string prId) =>
        Add("pr.reverted", actor, at, new() { ["pr_id"] = prId });

    /// <summary>Tokens as the model gateway reports them; an editor's own telemetry names its source instead.</summary>
    public Personas Tokens(string actor, DateTimeOffset at, long tokens, string source = Gateway) =>
        Add("tokens.consumed", actor, at, new() { ["tokens"] = tokens, ["model"] = "large-model" }, source: source);

    /// <summary>Tokens of one model with what they cost, when the source reports it.</summary>
    public Personas Spend(string actor, DateTimeOffset at, long tokens, string model, double? costUsd, string source = Gateway) =>
        Add("tokens.consumed", actor, at, new() { ["tokens"] = tokens, ["model"] = model, ["cost_usd"] = costUsd }, source: source);

    public Personas Prompt(string actor, DateTimeOffset at) =>
        Add("prompt.sent", actor, at, new() { ["tokens"] = 800 });

    /// <summary>
    /// An approval of <paramref name="author"/>'s pull request and, unless <paramref name="merged"/> is false, that pull
    /// request's merge an hour later, authored by <paramref name="author"/> and reviewed by the approver: an approval
    /// counts only once the pull request it approved merged and settled (7 days), so one that should count is older.
    /// </summary>
    public Personas ReviewApproved(string actor, DateTimeOffset at, string author, bool merged = true)
    {
        var prId = $"pr-{_prefix}-{++_next}";
        Add("review.approved", actor, at, new() { ["pr_id"] = prId, ["author"] = author });
        return merged ? PrMerged(author, at.AddHours(1), reviewers: [actor], prId: prId) : this;
    }

    /// <summary>
    /// One merged, independently reviewed, non-trivial pull request every <paramref name="everyDays"/> days over the last
    /// year, reviewed by three colleagues in turn (a tier above the lowest needs three voices), and tokens through the gateway.
    /// </summary>
    public Personas HonestDeveloper(string actor, int pullRequests, int everyDays = 17, long tokensPerDay = 20_000)
    {
        for (var i = 0; i < pullRequests; i++)
        {
            // Two of three colleagues review each: three voices, and no tier rests on one of them alone.
            PrMerged(actor, Now.AddDays(-10 - i * everyDays), reviewers: [$"reviewer-{i % 3 + 1}", $"reviewer-{(i + 1) % 3 + 1}"]);
        }

        for (var day = 1; day < 360; day += 3)
        {
            Tokens(actor, Now.AddDays(-day), tokensPerDay);
        }

        return this;
    }

    /// <summary>
    /// Names that events carry and no authority put in the directory: phantom reviewer accounts, which vouch for nothing.
    /// </summary>
    public Personas NamedOnly(params string[] names)
    {
        _namedOnly.UnionWith(names);
        return this;
    }

    public Personas Add(string type, string actor, DateTimeOffset at, Dictionary<string, object?> attributes, string? id = null, string source = Code)
    {
        _events.Add((source, new Dictionary<string, object?>
        {
            ["id"] = id ?? $"{type}-{actor}-{_prefix}-{++_next}",
            ["type"] = type,
            ["actor"] = actor,
            ["occurredAt"] = SampleEvents.Rfc3339(at),
            ["attributes"] = attributes,
        }));
        return this;
    }

    /// <summary>
    /// Sends everything added so far, each event through a key of its source, in batches, asserting each event was
    /// accepted. <paramref name="source"/> is the code host's key (a new one when null), returned for later batches.
    /// </summary>
    public async Task<HttpClient> SendAsync(HttpClient? source = null)
    {
        source ??= await app.Source(Code);
        await app.PutPeopleAsync(_events.SelectMany(e => Vouchers(e.Event)).Where(name => !_namedOnly.Contains(name)));
        foreach (var fromOneSource in _events.GroupBy(e => e.Source, e => e.Event))
        {
            var client = fromOneSource.Key == Code ? source : await app.Source(fromOneSource.Key);
            foreach (var batch in fromOneSource.Chunk(1000))
            {
                var result = await (await client.PostJsonAsync("/api/v1/events", new { events = batch })).JsonAsync();
                Assert.Equal(batch.Length, result.GetProperty("accepted").GetInt32());
            }
        }

        _events.Clear();
        return source;
    }

    public IReadOnlyList<Dictionary<string, object?>> Pending => [.. _events.Select(e => e.Event)];

    /// <summary>Who an event names as vouching for it: a merge's reviewers, an approval's author (the built-in catalog's voices).</summary>
    private static IEnumerable<string> Vouchers(Dictionary<string, object?> e) =>
        e["attributes"] is not Dictionary<string, object?> attributes ? []
        : attributes.GetValueOrDefault("reviewers") is IEnumerable<string> reviewers ? reviewers
        : attributes.GetValueOrDefault("author") is string author ? [author]
        : [];
}

public static class AppActions
{
    public static async Task<JsonElement> EvaluateAsync(this AchievementsApp app) =>
        await (await app.Admin().PostJsonAsync("/api/v1/evaluations", new { })).JsonAsync();

    public static async Task<JsonElement> BadgesOfAsync(this AchievementsApp app, string employee) =>
        await (await app.Anonymous().GetAsync($"/api/v1/employees/{employee}/badges")).JsonAsync();

    public static async Task<string?> TierOfAsync(this AchievementsApp app, string employee, string badge)
    {
        var badges = await app.BadgesOfAsync(employee);
        return badges.GetProperty("badges").EnumerateArray().Where(b => b.GetProperty("badge").GetString() == badge)
            .Select(b => b.GetProperty("tier").GetString()).SingleOrDefault();
    }

    public static async Task<JsonElement> ProgressAsync(this AchievementsApp app, string employee, string badge)
    {
        var progress = await (await app.Admin().GetAsync($"/api/v1/employees/{employee}/progress")).JsonAsync();
        return progress.GetProperty("badges").EnumerateArray().Single(b => b.GetProperty("badge").GetString() == badge);
    }

    /// <summary>The number of events of a signal excluded for a reason, as the employee's progress reports it.</summary>
    public static int Excluded(this JsonElement badgeProgress, string signal, string reason) =>
        badgeProgress.GetProperty("signals").EnumerateArray()
            .Where(s => s.GetProperty("type").GetString() == signal)
            .SelectMany(s => s.GetProperty("excluded").EnumerateArray())
            .Where(e => e.GetProperty("reason").GetString() == reason)
            .Sum(e => e.GetProperty("count").GetInt32());

    public static int Counted(this JsonElement badgeProgress, string signal) =>
        badgeProgress.GetProperty("signals").EnumerateArray().Single(s => s.GetProperty("type").GetString() == signal).GetProperty("counted").GetInt32();

    /// <summary>One signal's catalog entry, exactly as <c>GET /api/v1/signals</c> shows it.</summary>
    public static async Task<JsonObject> SignalAsync(this AchievementsApp app, string type)
    {
        var catalog = JsonNode.Parse(await app.Admin().GetStringAsync("/api/v1/signals"))!.AsArray();
        return catalog.Single(s => (string?)s!["type"] == type)!.DeepClone().AsObject();
    }

    public static Task<HttpResponseMessage> PatchSignalAsync(this AchievementsApp app, string type, string patch, string contentType = "application/merge-patch+json") =>
        app.Admin().PatchAsync($"/api/v1/signals/{type}", new StringContent(patch, System.Text.Encoding.UTF8, contentType));

    /// <summary>
    /// Puts in the directory, as an admin, whichever of <paramref name="names"/> are not people yet (no row, or a row
    /// only an event created), so that their reviews vouch; people already there keep their name, team and bot flag.
    /// </summary>
    public static async Task PutPeopleAsync(this AchievementsApp app, IEnumerable<string> names)
    {
        var admin = app.Admin();
        foreach (var name in names.Distinct(StringComparer.Ordinal).Where(app.People.Add))
        {
            var existing = await admin.GetAsync($"/api/v1/employees/{name}");
            if (existing.StatusCode == HttpStatusCode.OK && (await existing.JsonAsync()).GetProperty("addedBy").ValueKind != JsonValueKind.Null)
            {
                continue;
            }

            var response = await admin.PutAsync($"/api/v1/employees/{name}", Problem.JsonBody(new { displayName = name }));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"PUT /employees/{name}: {response.StatusCode}");
        }
    }

    public static Task PutPeopleAsync(this AchievementsApp app, params string[] names) => app.PutPeopleAsync((IEnumerable<string>)names);

    public static async Task PutEmployeeAsync(this AchievementsApp app, string id, string displayName, bool isBot = false, string? team = null)
    {
        var response = await app.Admin().PutAsync($"/api/v1/employees/{id}", Problem.JsonBody(new { displayName, team, isBot }));
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created);
    }
}
