using System.Net;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

public sealed class HostingTests
{
    [Fact]
    public async Task Health_answers_anonymously_once_the_database_answers()
    {
        await using var app = new AchievementsApp();
        var response = await app.Anonymous().GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served_anonymously_and_lists_the_endpoints()
    {
        await using var app = new AchievementsApp();
        var document = await (await app.Anonymous().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).JsonAsync();
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/events", out _));
        Assert.True(paths.TryGetProperty("/api/v1/keys", out _));
        Assert.True(paths.TryGetProperty("/api/v1/signals", out _));
    }

    [Fact]
    public async Task Live_answers_while_the_process_runs_and_ready_only_while_every_migration_is_applied()
    {
        await using var app = new AchievementsApp();
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);

        // The newest migration unrecorded, as in a database a newer build has not migrated yet.
        await using (var connection = app.Connect())
        {
            await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)");
        }

        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.Anonymous().GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);
    }

    [SqliteOnlyFact("WAL is SQLite's journal mode; the PostgreSQL migration is checked by Start_up_migrates_postgres_once_under_its_advisory_lock")]
    public async Task Start_up_migrates_the_database_in_WAL_mode_and_records_each_script_once()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var first = new AchievementsApp(path))
            {
                first.CreateClient();
            }

            await using (var second = new AchievementsApp(path))
            {
                second.CreateClient();
            }

            await using var connection = TestStore.Connect(path);
            Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
            var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToList();
            Assert.Equal(versions.Distinct().Count(), versions.Count);
            Assert.Contains(1L, versions);
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    [SqliteOnlyFact("0006 is a SQLite script; PostgreSQL's baseline starts with its result")]
    public async Task Migration_6_moves_the_built_in_voice_bounds_of_0005_and_leaves_a_bound_an_admin_changed()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var first = new AchievementsApp(path))
            {
                first.CreateClient();
            }

            // A database as 0005 left it: its bounds, one of them changed by an admin, and 0006 not yet applied.
            await using (var connection = TestStore.Connect(path))
            {
                await connection.ExecuteAsync("""
                    UPDATE signals SET voices = '{"from":"reviewers","perVoice":20,"window":"365d","breadth":3}' WHERE type = 'pr.merged';
                    UPDATE signals SET voices = '{"from":"author","perVoice":12,"window":"180d","breadth":3}' WHERE type = 'review.approved';
                    UPDATE signals SET voices = '{"from":"shippedBy","perVoice":250,"window":"90d","breadth":3}' WHERE type = 'suggestion.accepted';
                    DELETE FROM schema_migrations WHERE version = 6;
                    """);
            }

            await using (var second = new AchievementsApp(path))
            {
                second.CreateClient();
            }

            await using var migrated = TestStore.Connect(path);
            var bounds = (await migrated.QueryAsync<(string Type, long PerVoice)>(
                "SELECT type, json_extract(voices, '$.perVoice') FROM signals WHERE voices IS NOT NULL ORDER BY type")).ToList();
            Assert.Equal([("pr.merged", 30L), ("review.approved", 12L), ("suggestion.accepted", 90L)], bounds);
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task The_spend_totals_migration_lets_an_existing_database_s_spend_say_it_is_a_tool_s_total()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var first = new AchievementsApp(path))
            {
                first.CreateClient();
            }

            // tokens.consumed as the cost view's migration left it (tokens, model, cost_usd), and the spend totals'
            // migration not yet applied: SQLite's 0009, PostgreSQL's 0002.
            await using (var connection = TestStore.Connect(path))
            {
                var stored = JsonNode.Parse(await connection.QuerySingleAsync<string>("SELECT attributes FROM signals WHERE type = 'tokens.consumed'"))!.AsArray();
                var before = new JsonArray([.. stored.Where(a => (string?)a!["name"] != "aggregate").Select(a => a!.DeepClone())]);
                await connection.ExecuteAsync("UPDATE signals SET attributes = @Attributes WHERE type = 'tokens.consumed'", new { Attributes = before.ToJsonString() });
                await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = @Version", new { Version = TestStore.IsPostgres ? 2 : 9 });
            }

            await using var second = new AchievementsApp(path);
            var spend = await second.SignalAsync("tokens.consumed");
            Assert.Equal(
                ["tokens int", "model string", "cost_usd number", "aggregate bool"],
                spend["attributes"]!.AsObject().Select(a => $"{a.Key} {(string?)a.Value}"));
            Assert.Contains("aggregate", spend["optional"]!.AsArray().Select(o => (string?)o));
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task Without_a_configured_admin_key_start_up_creates_exactly_one()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var first = new AchievementsApp(path, configureAdminKey: false))
            {
                first.CreateClient();
            }

            await using (var second = new AchievementsApp(path, configureAdminKey: false))
            {
                second.CreateClient();
            }

            await using var connection = TestStore.Connect(path);
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE role = 'admin'"));
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task An_unknown_route_under_the_api_is_a_404_problem()
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().GetAsync("/api/v1/nothing-here", TestContext.Current.CancellationToken);
        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }
}
