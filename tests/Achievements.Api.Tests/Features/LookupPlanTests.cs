using Achievements.Api.Engine.History;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Every evaluation asks the events table for an employee's corrections and for the pull requests that ship their
/// approvals and suggestions. Each question must seek its keys in the expression index of its attribute, never walk
/// every event of the signal: at 10,000 employees a walk per employee is the difference between seconds and hours.
/// </summary>
public sealed class LookupPlanTests
{
    public static TheoryData<string, string, string> Lookups => new()
    {
        { "pr.merged", "pr_id", "ix_events_pr_id" },
        { "pr.reverted", "pr_id", "ix_events_pr_id" },
        { "suggestion.discarded", "suggestion_id", "ix_events_suggestion_id" },
    };

    [SqliteOnlyTheory("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plan for the same lookup is checked by Postgres_lookups_seek_the_attribute_index")]
    [MemberData(nameof(Lookups))]
    public async Task Both_answers_to_a_lookup_seek_its_keys_in_the_attribute_index(string signal, string attribute, string index)
    {
        await using var app = new AchievementsApp();
        using (app.Anonymous())
        {
            // Starting the app runs the migrations.
        }

        await using var connection = app.Connect();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var lookup = new KeyLookup(signal, attribute, ["k1", "k2"]);

        foreach (var sql in new[] { CorrectionLookup.KeysSql(SqlDialect.Sqlite, lookup), CorrectionLookup.EventsSql(SqlDialect.Sqlite, lookup) })
        {
            var plan = await connection.QueryAsync<(long Id, long Parent, long Unused, string Detail)>(
                $"EXPLAIN QUERY PLAN {sql}", new { Signal = signal, Keys = """["k1","k2"]""" });

            Assert.Contains(plan, step => step.Detail.Contains($"USING INDEX {index}", StringComparison.Ordinal));
        }
    }
}
