using System.Data.Common;
using Achievements.Api.Engine.History;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Achievements.Api.Tests.Features;

/// <summary>What each store must do for the service to behave the same on it (decision 0014).</summary>
public sealed class StoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_row_the_store_refuses_for_a_unique_key_is_recognised_as_a_conflict()
    {
        await using var app = new AchievementsApp();
        using (app.Anonymous())
        {
            // Starting the app migrates its database.
        }

        await using var connection = app.Connect();
        const string Insert = "INSERT INTO evaluation_state (name, value) VALUES ('probe', 'x')";
        await connection.ExecuteAsync(Insert);
        var refused = await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync(Insert));

        Assert.True(SqlDialect.IsUniqueViolation(refused), refused.Message);
        Assert.False(SqlDialect.IsUniqueViolation(await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync("SELECT * FROM no_such_table"))));
    }

    [PostgresOnlyFact]
    public async Task Start_up_migrates_postgres_once_under_its_advisory_lock()
    {
        var database = PostgresCluster.Shared.CreateEmptyDatabase();
        try
        {
            await using (var dataSource = NpgsqlDataSource.Create(TestStore.ConnectionString(database)))
            {
                // Two instances starting at once: both ask to migrate the same empty database.
                var runners = Enumerable.Range(0, 2).Select(_ =>
                    new MigrationRunner(new PostgresConnectionFactory(dataSource), TimeProvider.System, NullLogger<MigrationRunner>.Instance));
                await Task.WhenAll(runners.Select(runner => runner.ApplyAsync(Ct)));
            }

            await using var connection = TestStore.Connect(database);
            var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToList();
            Assert.Equal(MigrationRunner.Scripts(StoreProvider.Postgres).Select(s => s.Version), versions.Order());
            Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'events'"));
        }
        finally
        {
            TestStore.Delete(database);
        }
    }

    /// <summary>
    /// The same question as LookupPlanTests, asked of PostgreSQL's planner over enough events for it to choose: each
    /// answer to a lookup seeks its keys in the attribute's expression index, never walks the signal's events.
    /// </summary>
    [PostgresOnlyFact]
    public async Task Postgres_lookups_seek_the_attribute_index()
    {
        await using var app = new AchievementsApp();
        using (app.Anonymous())
        {
            // Starting the app migrates its database.
        }

        await using var connection = app.Connect();
        await connection.OpenAsync(Ct);
        await connection.ExecuteAsync("""
            INSERT INTO employees (id, is_bot, created_at, updated_at) VALUES ('ada', 0, '2026', '2026');
            INSERT INTO events (source, event_id, type, actor, occurred_at, received_at, attributes)
            SELECT 'github', 'e' || g, (ARRAY['pr.merged', 'pr.reverted', 'suggestion.discarded', 'tokens.consumed'])[1 + g % 4], 'ada',
                   '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', '{"pr_id":"' || g || '","suggestion_id":"' || g || '"}'
            FROM generate_series(1, 20000) g;
            ANALYZE events;
            """);
        foreach (var (signal, attribute, index) in new[] { ("pr.merged", "pr_id", "ix_events_pr_id"), ("pr.reverted", "pr_id", "ix_events_pr_id"), ("suggestion.discarded", "suggestion_id", "ix_events_suggestion_id") })
        {
            var lookup = new KeyLookup(signal, attribute, ["4", "8"]);
            foreach (var sql in new[] { CorrectionLookup.KeysSql(SqlDialect.Postgres, lookup), CorrectionLookup.EventsSql(SqlDialect.Postgres, lookup) })
            {
                var plan = string.Join('\n', await connection.QueryAsync<string>($"EXPLAIN {sql}", new { Signal = signal, Keys = SqlDialect.Postgres.List(lookup.Keys) }));
                Assert.Contains(index, plan, StringComparison.Ordinal);
            }
        }
    }
}
