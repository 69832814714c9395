using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Audit;

/// <summary>
/// Appends to the audit log inside the caller's transaction, so a change and its record commit together.
/// The actor is the calling key's id, or <c>system</c> for the evaluator.
/// </summary>
internal sealed class AuditTrail(IHttpContextAccessor http, TimeProvider time)
{
    public const string System = "system";

    private const string Append = """
        INSERT INTO audit_log (at, actor, action, employee_id, badge_key, details)
        VALUES (@At, @Actor, @Action, @EmployeeId, @BadgeKey, @Details)
        """;

    public string Actor => http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? Caller.From(user).KeyId : System;

    public Task RecordAsync(
        DbConnection connection,
        DbTransaction transaction,
        string action,
        object details,
        CancellationToken cancellationToken,
        string? employeeId = null,
        string? badgeKey = null,
        string? actor = null)
    {
        return connection.ExecuteAsync(new CommandDefinition(
            Append,
            new
            {
                At = time.GetUtcNow(),
                Actor = actor ?? Actor,
                Action = action,
                EmployeeId = employeeId,
                BadgeKey = badgeKey,
                Details = JsonSerializer.Serialize(details, StorageJson.Options),
            },
            transaction,
            cancellationToken: cancellationToken));
    }
}
