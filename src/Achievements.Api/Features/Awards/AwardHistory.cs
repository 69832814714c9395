using System.Data.Common;
using Achievements.Api.Features.Audit;
using Dapper;

namespace Achievements.Api.Features.Awards;

/// <summary>What happened to an award: granted, upgraded, downgraded, revoked, restored, held or released.</summary>
internal sealed record AwardChange(string EmployeeId, string BadgeKey, string Action, string? Tier, long Version, double Value, string? Reason);

/// <summary>
/// The one place an award's change is recorded: its history row and its audit entry, inside the transaction
/// that made the change, so the award, its history and the audit log never disagree.
/// </summary>
internal static class AwardHistory
{
    private const string Append = """
        INSERT INTO award_history (employee_id, badge_key, action, tier, badge_version, value, reason, at)
        VALUES (@EmployeeId, @BadgeKey, @Action, @Tier, @Version, @Value, @Reason, @At)
        """;

    /// <summary>Appends the history row and the audit entry; the actor is null for the calling key, or <c>system</c>.</summary>
    public static async Task RecordAsync(DbConnection connection, DbTransaction transaction, AuditTrail audit, AwardChange change, DateTimeOffset at, CancellationToken cancellationToken, string? actor = null)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            Append,
            new { change.EmployeeId, change.BadgeKey, change.Action, change.Tier, change.Version, change.Value, change.Reason, At = at },
            transaction,
            cancellationToken: cancellationToken));
        await audit.RecordAsync(connection, transaction, $"award.{change.Action}", new { change.Tier, change.Version, change.Value, change.Reason }, cancellationToken, change.EmployeeId, change.BadgeKey, actor);
    }
}
