using System.Globalization;
using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Insights;

/// <summary>
/// The only writer of the cost view's rows: each evaluation replaces the employee's weeks with what it just judged,
/// in the pass's transaction, so the view always agrees with what counted.
/// </summary>
internal static class SpendRecord
{
    private const string Forget = """
        DELETE FROM spend_weeks WHERE employee_id = @Employee;
        DELETE FROM outcome_weeks WHERE employee_id = @Employee;
        """;

    // All of an employee's rows in one statement each, passed as one JSON array: a year is about a hundred rows, and
    // a statement per row made the evaluation pass a third slower. Each store reads the array its own way.
    private const string InsertSpendSqlite = """
        INSERT INTO spend_weeks (employee_id, week, model, tokens, cost_usd)
        SELECT @Employee, json_extract(value, '$.week'), json_extract(value, '$.model'), json_extract(value, '$.tokens'), json_extract(value, '$.costUsd')
        FROM json_each(@Rows)
        """;

    private const string InsertSpendPostgres = """
        INSERT INTO spend_weeks (employee_id, week, model, tokens, cost_usd)
        SELECT @Employee, r.week, r.model, r.tokens, r."costUsd"
        FROM json_to_recordset(CAST(@Rows AS json)) AS r (week text, model text, tokens double precision, "costUsd" double precision)
        """;

    private const string InsertOutcomesSqlite = """
        INSERT INTO outcome_weeks (employee_id, week, outcomes)
        SELECT @Employee, json_extract(value, '$.week'), json_extract(value, '$.outcomes')
        FROM json_each(@Rows)
        """;

    private const string InsertOutcomesPostgres = """
        INSERT INTO outcome_weeks (employee_id, week, outcomes)
        SELECT @Employee, r.week, r.outcomes
        FROM json_to_recordset(CAST(@Rows AS json)) AS r (week text, outcomes bigint)
        """;

    public static async Task WriteAsync(WriteScope write, string employeeId, SpendWeeks weeks)
    {
        var sqlite = SqlDialect.Of(write.Connection).IsSqlite;
        await write.Connection.ExecuteAsync(write.Command(Forget, new { Employee = employeeId }));
        if (weeks.Spend.Count > 0)
        {
            var rows = JsonSerializer.Serialize(weeks.Spend.Select(s => new { week = Text(s.Week), model = s.Model, tokens = s.Tokens, costUsd = s.CostUsd }));
            await write.Connection.ExecuteAsync(write.Command(sqlite ? InsertSpendSqlite : InsertSpendPostgres, new { Employee = employeeId, Rows = rows }));
        }

        if (weeks.Outcomes.Count > 0)
        {
            var rows = JsonSerializer.Serialize(weeks.Outcomes.Select(o => new { week = Text(o.Week), outcomes = o.Outcomes }));
            await write.Connection.ExecuteAsync(write.Command(sqlite ? InsertOutcomesSqlite : InsertOutcomesPostgres, new { Employee = employeeId, Rows = rows }));
        }
    }

    /// <summary>How a week is stored: its Monday as yyyy-MM-dd, so comparing text compares weeks.</summary>
    public static string Text(DateOnly week) => week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
