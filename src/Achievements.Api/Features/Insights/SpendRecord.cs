using System.Globalization;
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

    private const string InsertSpend = """
        INSERT INTO spend_weeks (employee_id, week, model, tokens, cost_usd) VALUES (@Employee, @Week, @Model, @Tokens, @CostUsd)
        """;

    private const string InsertOutcomes = "INSERT INTO outcome_weeks (employee_id, week, outcomes) VALUES (@Employee, @Week, @Outcomes)";

    public static async Task WriteAsync(WriteScope write, string employeeId, SpendWeeks weeks)
    {
        await write.Connection.ExecuteAsync(write.Command(Forget, new { Employee = employeeId }));
        if (weeks.Spend.Count > 0)
        {
            await write.Connection.ExecuteAsync(write.Command(InsertSpend, weeks.Spend.Select(s => new
            {
                Employee = employeeId,
                Week = Text(s.Week),
                s.Model,
                s.Tokens,
                s.CostUsd,
            })));
        }

        if (weeks.Outcomes.Count > 0)
        {
            await write.Connection.ExecuteAsync(write.Command(InsertOutcomes, weeks.Outcomes.Select(o => new
            {
                Employee = employeeId,
                Week = Text(o.Week),
                o.Outcomes,
            })));
        }
    }

    /// <summary>How a week is stored: its Monday as yyyy-MM-dd, so comparing text compares weeks.</summary>
    public static string Text(DateOnly week) => week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
