using System.Collections.Concurrent;
using System.Net;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Security;

/// <summary>An acknowledged event is never lost or counted twice, through a kill -9 and under concurrent load.</summary>
public sealed class CrashSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object[] Batch(int batch, DateTimeOffset now) =>
        [.. Enumerable.Range(0, 20).Select(i =>
        {
            var employee = $"dev-{(batch * 20 + i) % 15}";
            return SampleEvents.PrMerged($"b{batch}-e{i}", employee, now.AddDays(-10 - (batch * 20 + i) % 300));
        })];

    [Fact]
    public async Task Every_acknowledged_event_survives_a_kill_minus_9_exactly_once_and_evaluation_resumes()
    {
        var path = AchievementsApp.NewDatabasePath();
        var now = DateTimeOffset.UtcNow;
        var acknowledged = new ConcurrentBag<string>();
        try
        {
            string sourceKey;
            await using (var first = await ChildService.StartAsync(path))
            {
                var created = await (await first.Client(ChildService.AdminKey).PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" })).JsonAsync(HttpStatusCode.Created);
                sourceKey = created.GetProperty("key").GetString()!;
                await first.PutPeopleAsync("reviewer-1");
                var source = first.Client(sourceKey);

                // Four clients stream batches; the service is killed while they are still sending.
                using var stop = new CancellationTokenSource();
                var senders = Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
                {
                    for (var batch = client; !stop.IsCancellationRequested; batch += 4)
                    {
                        try
                        {
                            var response = await source.PostJsonAsync("/api/v1/events", new { events = Batch(batch, now) });
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                foreach (var result in (await response.JsonAsync()).GetProperty("results").EnumerateArray())
                                {
                                    acknowledged.Add(result.GetProperty("id").GetString()!);
                                }
                            }
                        }
                        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                        {
                            return;
                        }
                    }
                })).ToList();

                while (acknowledged.Count < 400)
                {
                    await Task.Delay(20, Ct);
                }

                await first.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(senders);
            }

            await using var second = await ChildService.StartAsync(path);
            await using (var connection = TestStore.Connect(path))
            {
                var stored = (await connection.QueryAsync<(string Id, long Copies)>("SELECT event_id, COUNT(*) FROM events WHERE source = 'github' GROUP BY event_id")).ToDictionary(r => r.Id, r => r.Copies);
                Assert.All(acknowledged, id => Assert.Equal(1, stored.GetValueOrDefault(id)));
                Assert.All(stored.Values, copies => Assert.Equal(1, copies));
            }

            // The queue that was waiting at the crash is drained by the restarted service.
            var summary = await (await second.Client(ChildService.AdminKey).PostJsonAsync("/api/v1/evaluations", new { })).JsonAsync();
            Assert.True(summary.GetProperty("employees").GetInt32() >= 0);
            await using (var connection = TestStore.Connect(path))
            {
                Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM evaluation_queue"));
                var grants = await connection.QueryAsync<long>("SELECT COUNT(*) FROM award_history WHERE action = 'granted' GROUP BY employee_id, badge_key");
                Assert.All(grants, count => Assert.Equal(1, count));
                var holders = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM awards WHERE badge_key = 'merge-master' AND status = 'active'");
                var qualified = await connection.ExecuteScalarAsync<long>("""
                    SELECT COUNT(*) FROM (SELECT actor FROM events WHERE type = 'pr.merged' GROUP BY actor HAVING COUNT(*) >= 10) AS qualified
                    """);
                Assert.Equal(qualified, holders);
            }
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task Eight_clients_sending_overlapping_batches_store_each_event_once_and_concurrent_evaluations_grant_once()
    {
        await using var app = new AchievementsApp();
        await app.PutPeopleAsync("reviewer-1");
        var source = await app.Source();
        var batches = Enumerable.Range(0, 8).Select(client => Enumerable.Range(0, 6).Select(b => Batch((client + b) % 10, Personas.Now)).ToList()).ToList();

        var results = await Task.WhenAll(batches.Select(clientBatches => Task.Run(async () =>
        {
            var accepted = 0;
            foreach (var batch in clientBatches)
            {
                accepted += (await (await source.PostJsonAsync("/api/v1/events", new { events = batch })).JsonAsync()).GetProperty("accepted").GetInt32();
            }

            return accepted;
        })));

        await using var connection = app.Connect();
        var distinct = batches.SelectMany(b => b).SelectMany(b => b).Select(e => ((Dictionary<string, object?>)e)["id"]).Distinct().Count();
        Assert.Equal(distinct, results.Sum());
        Assert.Equal(distinct, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM events"));

        var evaluations = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.EvaluateAsync()));
        Assert.Equal(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM awards"), evaluations.Sum(e => e.GetProperty("granted").GetInt32()));
        var grants = await connection.QueryAsync<long>("SELECT COUNT(*) FROM award_history WHERE action = 'granted' GROUP BY employee_id, badge_key");
        Assert.All(grants, count => Assert.Equal(1, count));
    }
}
