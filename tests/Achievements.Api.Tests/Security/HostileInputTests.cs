using System.Net;
using System.Text;
using Achievements.Api.Tests.Infrastructure;
using Dapper;
using FsCheck;
using FsCheck.Fluent;

namespace Achievements.Api.Tests.Security;

/// <summary>
/// Every write endpoint against a corpus of hostile bodies: the answer is a 2xx or a 4xx problem, never a 500;
/// a refused request stores nothing, not even an audit line; and the service stays healthy.
/// </summary>
public sealed class HostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string Method, string Path, bool AsSource)[] WriteEndpoints =
    [
        ("POST", "/api/v1/keys", false),
        ("PUT", "/api/v1/employees/ada", false),
        ("POST", "/api/v1/signals", false),
        ("PUT", "/api/v1/signals/pr.merged", false),
        ("PATCH", "/api/v1/signals/pr.merged", false),
        ("POST", "/api/v1/events", true),
        ("PUT", "/api/v1/integrations/github", false),
        ("POST", "/api/v1/badges", false),
        ("PUT", "/api/v1/badges/merge-master", false),
        ("POST", "/api/v1/badges/preview", false),
        ("POST", "/api/v1/rules/validate", false),
        ("POST", "/api/v1/employees/ada/badges/merge-master/revoke", false),
        ("POST", "/api/v1/flags/1/dismiss", false),
    ];

    private static readonly string[] Corpus =
    [
        "",
        "{",
        """{"events": [{"id": "x", "type": "pr.rev""",
        "[]",
        "null",
        "42",
        "\"just a string\"",
        """{"name": 12, "key": [], "metric": {}, "tiers": "gold", "role": 5, "events": "x", "displayName": false, "attributes": 7, "qualify": "yes", "reason": 1}""",
        """{"key":"huge","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"bronze","threshold":1e999}]}""",
        """{"key":"neg","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"bronze","threshold":-5}],"dailyCap":-1}""",
        """{"key":"big","name":"n","icon":"x","metric":"count(pr.merged)","tiers":[{"name":"bronze","threshold":99999999999999999999999999999}],"dailyCap":99999999999999999999}""",
        """{"events":[{"id":"a","type":"tokens.consumed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":NaN,"model":"m"}}]}""",
        """{"events":[{"id":"a","type":"tokens.consumed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":Infinity,"model":"m"}}]}""",
        """{"role":"viewer","role":"admin"}""",
        """{"events":[{"id":"a","id":"b","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}]}""",
        """{"displayName":"a\u0000b","name":"a\u0000b","key":"a\u0000b","role":"viewer","subject":"a\u0000b","description":"\u0000","reason":"\u0000","metric":"count(pr.merged)\u0000"}""",
        """{"displayName":"\u202Eevil\u200B","name":"\u202Eevil\u200B","key":"rtl","icon":"\u200B","metric":"count(pr.merged, 365d)","tiers":[{"name":"bronze","threshold":100}],"reason":"\u202E"}""",
        """{"displayName":"\ud800","name":"\udfff","key":"surrogate","icon":"\ud800","metric":"\ud800","role":"viewer","subject":"\ud800","reason":"\ud800"}""",
        """{"displayName":"'; DROP TABLE events; --","name":"x' OR '1'='1","key":"robert'); DROP TABLE badges;--","icon":"x","metric":"count(pr.merged) -- '","tiers":[{"name":"bronze","threshold":100}],"role":"source","subject":"'; DELETE FROM api_keys;","reason":"' OR 1=1 --"}""",
        """{"displayName":"<script>alert(1)</script>","name":"<img src=x onerror=alert(1)>","key":"xss","icon":"<b>","description":"<script>alert(1)</script>","metric":"count(pr.merged, 365d)","tiers":[{"name":"bronze","threshold":100}],"reason":"<script>"}""",
        """{"events":[{"id":"<script>","type":"pr.reverted","actor":"<script>","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"<script>alert(1)</script>"}}]}""",
        "{\"displayName\":\"" + new string('x', 70_000) + "\",\"metric\":\"" + new string('(', 5_000) + "\"}",
        "{\"a\":" + new string('[', 100) + new string(']', 100) + "}",
        """{"events":[{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}],"extra":true}""",
    ];

    [Fact]
    public async Task Hostile_bodies_get_a_clear_4xx_or_a_success_never_a_500_and_refusals_store_nothing()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        var source = await app.Source();
        var admin = app.Admin();
        var failures = new List<string>();
        var seen = new HashSet<int>();

        foreach (var (method, path, asSource) in WriteEndpoints)
        {
            foreach (var body in Corpus)
            {
                var before = await CountsAsync(app);
                var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, method == "PATCH" ? "application/merge-patch+json" : "application/json") };
                var response = await (asSource ? source : admin).SendAsync(request, Ct);
                var status = (int)response.StatusCode;
                seen.Add(status);
                var shown = body.Length > 60 ? body[..60] + "…" : body;
                if (status >= 500)
                {
                    failures.Add($"{method} {path} {shown}: {status}");
                }
                else if (status >= 400)
                {
                    if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{method} {path} {shown}: {status} without problem details");
                    }

                    var after = await CountsAsync(app);
                    if (!before.SequenceEqual(after))
                    {
                        failures.Add($"{method} {path} {shown}: {status} but something was stored");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        // The corpus reaches the handlers: some bodies are refused field by field, some are fine.
        Assert.Contains(400, seen);
        Assert.Contains(413, seen);
        Assert.Contains(seen, status => status is >= 200 and < 300);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Markup_in_names_is_stored_as_text_and_returned_as_text()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "<script>alert(1)</script>");
        var employee = await (await app.Admin().GetAsync("/api/v1/employees/ada", Ct)).JsonAsync();
        Assert.Equal("<script>alert(1)</script>", employee.GetProperty("displayName").GetString());
    }

    /// <summary>Any batch of events, valid or not, is answered per event, and exactly the accepted ones are stored.</summary>
    [Fact]
    public async Task Random_event_batches_are_judged_event_by_event_and_only_the_accepted_are_stored()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var stored = 0L;
        var property = Prop.ForAll(Arb.From(EventBatches()), batch =>
        {
            var response = source.PostAsync("/api/v1/events", new StringContent(batch, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                var result = response.JsonAsync().GetAwaiter().GetResult();
                stored += result.GetProperty("accepted").GetInt32();
                var judged = result.GetProperty("accepted").GetInt32() + result.GetProperty("duplicates").GetInt32() + result.GetProperty("rejected").GetInt32();
                return judged == result.GetProperty("results").GetArrayLength() && EventCount(app) == stored;
            }

            return status is >= 400 and < 500 && EventCount(app) == stored;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), property);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health", Ct)).StatusCode);
    }

    /// <summary>Any badge definition is created, refused with a 4xx, or conflicts; never a 500, never half a badge.</summary>
    [Fact]
    public async Task Random_badge_definitions_are_created_whole_or_refused()
    {
        await using var app = new AchievementsApp();
        var admin = app.Admin();
        var property = Prop.ForAll(Arb.From(BadgeDefinitions()), body =>
        {
            var response = admin.PostAsync("/api/v1/badges", new StringContent(body, Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            using var connection = app.Connect();
            var orphans = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM badges b WHERE NOT EXISTS (SELECT 1 FROM badge_versions v WHERE v.badge_key = b.key)");
            return (status is 201 or (>= 400 and < 500)) && orphans == 0;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), property);
    }

    private static Gen<string> EventBatches()
    {
        var ids = Gen.Elements("e1", "e2", "e3", "", "x\u0000", "<script>", new string('i', 200));
        var types = Gen.Elements("pr.merged", "pr.reverted", "tokens.consumed", "review.approved", "nope", "");
        var actors = Gen.Elements("ada", "bob", "Ada", "", "a b", "'; --");
        var times = Gen.Elements("2026-06-01T11:00:00Z", "2026-06-01T11:00:00", "2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z", "garbage", "2026-05-01T00:00:00+02:00");
        var attributes = Gen.Elements(
            """{"pr_id":"1"}""",
            """{"pr_id":1}""",
            """{"tokens":5,"model":"m"}""",
            """{"tokens":-5,"model":"m"}""",
            """{"pr_id":"p","author":"bob"}""",
            """{"pr_id":"p","repo":"r","lines_added":10,"lines_deleted":1,"merged_by":"b","reviewers":["bob"]}""",
            "{}",
            "[]",
            "null",
            """{"tokens":1e400}""");
        var one = from id in ids
                  from type in types
                  from actor in actors
                  from at in times
                  from attrs in attributes
                  select $$"""{"id":"{{id}}","type":"{{type}}","actor":"{{actor}}","occurredAt":"{{at}}","attributes":{{attrs}}}""";
        return from count in Gen.Choose(0, 6)
               from events in Gen.ListOf(one, count)
               from envelope in Gen.Elements("ok", "ok", "ok", "truncated", "no-events")
               select envelope switch
               {
                   "truncated" => $$"""{"events":[{{string.Join(',', events)}}""",
                   "no-events" => "{}",
                   _ => $$"""{"events":[{{string.Join(',', events)}}]}""",
               };
    }

    private static Gen<string> BadgeDefinitions()
    {
        var keys = Gen.Elements("good-key", "x", "Bad Key", "", "k-" + new string('k', 60), "merge-master");
        var metrics = Gen.Elements("count(pr.merged, 365d)", "count(tokens.consumed)", "count(pr.merge)", "", "(((", "sum(pr.merged.repo)", "count(pr.merged) / 0");
        var thresholds = Gen.Elements("10", "0", "-1", "1e308", "\"ten\"", "null");
        var icons = Gen.Elements("🚀", "JS", "<b>", "", "toolong");
        return from key in keys
               from metric in metrics
               from low in thresholds
               from high in thresholds
               from icon in icons
               select $$"""{"key":"{{key}}","name":"n","icon":"{{icon}}","metric":"{{metric}}","tiers":[{"name":"bronze","threshold":{{low}}},{"name":"silver","threshold":{{high}}}]}""";
    }

    private static long EventCount(AchievementsApp app)
    {
        using var connection = app.Connect();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM events");
    }

    private static async Task<List<long>> CountsAsync(AchievementsApp app)
    {
        await using var connection = app.Connect();
        var tables = await connection.QueryAsync<string>(TestStore.IsSqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        var counts = new List<long>();
        foreach (var table in tables)
        {
            counts.Add(await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\""));
        }

        return counts;
    }
}
