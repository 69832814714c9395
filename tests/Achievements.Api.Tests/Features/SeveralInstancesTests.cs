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
    public async Task Two_instances_evaluating_one_queue_evaluate_each_employee_once_and_grant_each_award_once()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using var first = new AchievementsApp(path);
            first.CreateClient();
            await using var second = new AchievementsApp(path);
            second.CreateClient();

            // 120 employees with ten reviewed merges each, settled: Merge Master bronze for every one.
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
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }
}
