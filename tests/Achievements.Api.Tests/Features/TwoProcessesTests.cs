using System.Net;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Two real service processes on one PostgreSQL database, as behind a load balancer: events posted to both are
/// evaluated on both, one of them is killed with kill -9 while it evaluates, and nothing is lost or doubled.
/// </summary>
public sealed class TwoProcessesTests
{
    private const int Employees = 300;

    private static readonly string[] Reviewers = ["rev-a", "rev-b", "rev-c"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [PostgresOnlyFact]
    public async Task Two_instances_lose_and_double_nothing_when_one_is_killed_in_the_middle_of_an_evaluation()
    {
        var database = AchievementsApp.NewDatabasePath();
        try
        {
            await using var first = await ChildService.StartAsync(database);
            await using var second = await ChildService.StartAsync(database);
            var created = await (await first.Client(ChildService.AdminKey).PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" })).JsonAsync(HttpStatusCode.Created);
            var key = created.GetProperty("key").GetString()!;
            await first.PutPeopleAsync(Reviewers);

            // Ten reviewed, settled merges for each employee, every other batch through the other instance.
            var merged = DateTimeOffset.UtcNow.AddDays(-20);
            var acknowledged = 0;
            for (var batch = 0; batch < Employees / 50; batch++)
            {
                var events = Enumerable.Range(batch * 50, 50).SelectMany(n => Enumerable.Range(0, 10).Select(m =>
                    (object)SampleEvents.PrMerged($"e{n}-{m}", $"dev-{n}", merged.AddHours(m), reviewer: Reviewers[m % 3])));
                var instance = batch % 2 == 0 ? first : second;
                var answer = await (await instance.Client(key).PostJsonAsync("/api/v1/events", SampleEvents.Batch([.. events]))).JsonAsync();
                acknowledged += answer.GetProperty("accepted").GetInt32();
            }

            Assert.Equal(Employees * 10, acknowledged);

            // Kill the first as soon as evaluation is under way (in two runs here, at 150 and 250 of the 300 awards).
            await using var connection = TestStore.Connect(database);
            await WaitUntilAsync(async () => await AwardsAsync(connection) > 0, TimeSpan.FromSeconds(60));
            await first.KillAsync();
            var atKill = await AwardsAsync(connection);

            // The survivor evaluates whatever the killed one held: its transaction rolled back, its claims released.
            await WaitUntilAsync(async () => await AwardsAsync(connection) == Employees
                && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM evaluation_queue") == 0, TimeSpan.FromSeconds(120));

            Assert.InRange(atKill, 1, Employees);
            Assert.Equal(Employees * 10, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events"));
            Assert.Equal(Employees, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM award_history WHERE badge_key = 'merge-master' AND action = 'granted'"));

            // Both the survivor and a restarted first instance show every award.
            await using var restarted = await ChildService.StartAsync(database);
            foreach (var instance in new[] { second, restarted })
            {
                var badges = await (await instance.Client().GetAsync(new Uri($"api/v1/employees/dev-{Employees - 1}/badges", UriKind.Relative), Ct)).JsonAsync();
                Assert.Contains(badges.GetProperty("badges").EnumerateArray(), b => b.GetProperty("badge").GetString() == "merge-master");
            }
        }
        finally
        {
            AchievementsApp.DeleteDatabase(database);
        }
    }

    private static Task<long> AwardsAsync(System.Data.Common.DbConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM awards WHERE badge_key = 'merge-master'");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(20, Ct))
        {
            if (await condition())
            {
                return;
            }
        }

        Assert.Fail($"Not reached within {timeout}.");
    }
}
