using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Two instances of the service on one database, as behind a load balancer: they share the evaluation queue, and
/// neither evaluates an employee the other holds, nor grants an award twice.
/// </summary>
public sealed class SeveralInstancesTests
{
    private static readonly string[] Reviewers = ["rev-a", "rev-b", "rev-c"];

    [Fact]
    public Task Two_instances_evaluating_one_queue_evaluate_each_employee_once_and_grant_each_award_once() => WithTwoInstancesAsync(async (first, second) =>
    {
        // 120 employees with ten reviewed merges each, settled: Merge Master bronze for every one.
        await first.PutPeopleAsync(Reviewers);
        var source = await first.Source("github");
        for (var part = 0; part < 2; part++)
        {
            var events = Enumerable.Range(part * 60, 60).SelectMany(n => Enumerable.Range(0, 10).Select(m =>
                (object)SampleEvents.PrMerged($"e{n}-{m}", $"dev-{n}", AchievementsApp.Start.AddDays(-20).AddHours(m), reviewer: Reviewers[m % 3])));
            await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch([.. events]))).JsonAsync();
        }

        var summaries = await Task.WhenAll(first.EvaluateAsync(), second.EvaluateAsync());

        Assert.Equal(120, summaries.Sum(s => s.GetProperty("employees").GetInt32()));
        Assert.Equal(120, summaries.Sum(s => s.GetProperty("granted").GetInt32()));
        await using var connection = first.Connect();
        Assert.Equal(120, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM awards WHERE badge_key = 'merge-master'"));
        Assert.Equal(120, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM award_history WHERE badge_key = 'merge-master' AND action = 'granted'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM evaluation_queue"));
        Assert.Equal("bronze", await second.TierOfAsync("dev-7", "merge-master"));
    });

    [PostgresOnlyFact]
    public Task A_change_made_through_one_instance_is_in_the_other_s_directory_on_the_next_read() => WithTwoInstancesAsync(async (first, second) =>
    {
        await first.PutEmployeeAsync("ada", "Ada");
        Assert.Equal("Ada", await DisplayNameAsync(second, "ada"));

        // A new name, through the first: the second had cached the old one.
        await first.PutEmployeeAsync("ada", "Ada Lovelace");
        Assert.Equal("Ada Lovelace", await DisplayNameAsync(second, "ada"));

        // An award granted by the first instance's evaluation.
        await first.PutPeopleAsync(Reviewers);
        var source = await first.Source("github");
        await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch([.. Enumerable.Range(0, 10).Select(m =>
            (object)SampleEvents.PrMerged($"a{m}", "ada", AchievementsApp.Start.AddDays(-20).AddHours(m), reviewer: Reviewers[m % 3]))]))).JsonAsync();
        Assert.Null(await second.TierOfAsync("ada", "merge-master"));
        await first.EvaluateAsync();
        Assert.Equal("bronze", await second.TierOfAsync("ada", "merge-master"));

        // And the other way: a badge archived through the second leaves the first's directory at once.
        Assert.Equal("bronze", await first.TierOfAsync("ada", "merge-master"));
        await (await second.Admin().PostJsonAsync("/api/v1/badges/merge-master/archive", new { })).JsonAsync();
        Assert.Null(await first.TierOfAsync("ada", "merge-master"));
    });

    /// <summary>Two apps on one new database, as two instances behind a load balancer; the first migrates it.</summary>
    private static async Task WithTwoInstancesAsync(Func<AchievementsApp, AchievementsApp, Task> test)
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using var first = new AchievementsApp(path);
            first.CreateClient();
            await using var second = new AchievementsApp(path);
            second.CreateClient();
            await test(first, second);
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    private static async Task<string?> DisplayNameAsync(AchievementsApp app, string employee) =>
        (await app.BadgesOfAsync(employee)).GetProperty("displayName").GetString();
}
