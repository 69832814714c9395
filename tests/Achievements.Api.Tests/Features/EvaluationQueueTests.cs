using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

public sealed class EvaluationQueueTests
{
    [Fact]
    public async Task Accepted_events_queue_their_employee_durably_and_a_restart_loses_nothing()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var first = new AchievementsApp(path))
            {
                await new Personas(first).HonestDeveloper("ada", pullRequests: 12).SendAsync();
            }

            await using (var connection = TestStore.Connect(path))
            {
                Assert.Equal(["ada"], await connection.QueryAsync<string>("SELECT employee_id FROM evaluation_queue"));
            }

            await using var second = new AchievementsApp(path);
            var summary = await second.EvaluateAsync();
            Assert.Equal(1, summary.GetProperty("employees").GetInt32());
            Assert.Equal("bronze", await second.TierOfAsync("ada", "merge-master"));
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task A_revert_from_another_source_queues_the_author_whose_merge_it_corrects()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).PrMerged("ada", Personas.Now.AddDays(-20), prId: "p-1").SendAsync();
        await app.EvaluateAsync();
        await new Personas(app).Add("pr.reverted", "ops", Personas.Now, new() { ["pr_id"] = "p-1" }, source: "ci").SendAsync();

        await using var connection = app.Connect();
        Assert.Equal(["ada", "ops"], (await connection.QueryAsync<string>("SELECT employee_id FROM evaluation_queue ORDER BY employee_id")).ToList());
    }

    [Theory]
    [InlineData("pr_id", "p-1")]
    [InlineData("commit_sha", "0123456789abcdef0123456789abcdef01234567")]
    public async Task Evidence_about_a_merge_queues_its_author_whoever_sent_it(string names, string value)
    {
        await using var app = new AchievementsApp();
        await new Personas(app).Add("pr.merged", "ada", Personas.Now.AddDays(-20), new()
        {
            ["pr_id"] = "p-1",
            ["repo"] = "web",
            ["lines_added"] = 80,
            ["lines_deleted"] = 5,
            ["merged_by"] = "rex",
            ["reviewers"] = new[] { "rex" },
            ["merge_commit_sha"] = "0123456789abcdef0123456789abcdef01234567",
        }).SendAsync();
        await app.EvaluateAsync();
        await new Personas(app).Add("ai.evidence", "ops", Personas.Now, new() { [names] = value, ["tool"] = "claude", ["evidence"] = "tool-report" }).SendAsync();

        await using var connection = app.Connect();
        Assert.Equal(["ada", "ops"], (await connection.QueryAsync<string>("SELECT employee_id FROM evaluation_queue ORDER BY employee_id")).ToList());
    }

    [Fact]
    public async Task A_revert_queues_the_author_of_the_merge_not_the_person_who_reverted()
    {
        await using var app = new AchievementsApp();
        var source = await new Personas(app).PrMerged("ada", Personas.Now.AddDays(-20), prId: "p-1").SendAsync();
        await app.EvaluateAsync();
        await new Personas(app).PrReverted("ops", Personas.Now, "p-1").SendAsync(source);

        await using var connection = app.Connect();
        Assert.Equal(["ada", "ops"], (await connection.QueryAsync<string>("SELECT employee_id FROM evaluation_queue ORDER BY employee_id")).ToList());
    }

    [Fact]
    public async Task One_employee_whose_evaluation_fails_does_not_hold_up_the_others()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).HonestDeveloper("bad", pullRequests: 12).SendAsync();
        await using (var connection = app.Connect())
        {
            // Stored data no evaluation can read: what a bug or a manual edit could leave behind.
            await connection.ExecuteAsync("UPDATE events SET attributes = '[1]' WHERE actor = 'bad'");
        }

        var summary = await app.EvaluateAsync();

        Assert.Equal(1, summary.GetProperty("employees").GetInt32());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        await using var check = app.Connect();
        Assert.Equal(["bad"], await check.QueryAsync<string>("SELECT employee_id FROM evaluation_queue"));
    }

    [Fact]
    public async Task The_background_worker_drains_the_queue_without_being_asked()
    {
        await using var app = new WorkerApp();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await app.TierOfAsync("ada", "merge-master") is null && DateTime.UtcNow < deadline)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
    }

    private sealed class WorkerApp : AchievementsApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Achievements:Evaluation:Background", "true");
        }
    }
}
