using System.Net;
using Achievements.Api.Tests.Infrastructure;
using Dapper;
using Microsoft.Data.Sqlite;

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

            await using var connection = new SqliteConnection($"Data Source={path}");
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

            await using var connection = new SqliteConnection($"Data Source={path}");
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
