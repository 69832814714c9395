using System.Net;
using System.Text;
using Achievements.Api.Tests.Infrastructure;
using Dapper;
using FsCheck;
using FsCheck.Fluent;

namespace Achievements.Api.Tests.Security;

/// <summary>
/// Hostile input beyond what <see cref="OpenApiHostileInputTests"/> generates from the OpenAPI document: markup kept as
/// text, and random event batches and badge definitions, each judged whole or refused, never half-stored.
/// </summary>
public sealed class HostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
}
