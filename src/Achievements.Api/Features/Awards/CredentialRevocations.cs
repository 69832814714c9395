using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// Revokes the Open Badges credentials (Features/Credentials) that an award change takes away, in the award ledger's
/// transaction, so that an award and its credentials' status never disagree: a revoked award revokes every credential
/// of it, a downgrade those above the new tier. A restore gives no credential back; the employee downloads a new one
/// (with a new status index). It lives beside the ledger, as DirectoryChanges does, so that the credential slices use
/// Awards and Awards never uses them.
/// </summary>
internal sealed class CredentialRevocations(AuditTrail audit)
{
    // Still backed: the award is not revoked and is at the credential's tier or above (an upgrade keeps the lower
    // tier's credential true). A held award keeps its credentials until the review ends one way or the other.
    private const string Revoke = """
        UPDATE credentials SET revoked_at = @Now
        WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey AND revoked_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM awards a
                          WHERE a.employee_id = @EmployeeId AND a.badge_key = @BadgeKey
                            AND a.status <> 'revoked' AND a.tier_rank >= credentials.tier_rank)
        RETURNING id AS Id, status_index AS StatusIndex
        """;

    /// <summary>
    /// The turn that an issuance and a revocation of one award take (a transaction-level advisory lock on PostgreSQL;
    /// SQLite's writers already take turns), so that a credential issued while its award is being revoked is either
    /// seen and revoked, or sees the revocation and is not issued.
    /// </summary>
    public static string Turn(string employeeId, string badgeKey) => $"credentials.award.{employeeId}/{badgeKey}";

    /// <summary>Called by <see cref="AwardLedger"/> for every award change it records.</summary>
    public async Task AwardChangedAsync(WriteScope write, string employeeId, string badgeKey, string action, DateTimeOffset now)
    {
        if (action is not (AwardAction.Revoked or AwardAction.Downgraded))
        {
            return;
        }

        await SqlDialect.TakeTurnAsync(write.Connection, write.Transaction, Turn(employeeId, badgeKey), write.CancellationToken);
        var revoked = await write.Connection.QueryAsync<RevokedCredential>(write.Command(Revoke, new { EmployeeId = employeeId, BadgeKey = badgeKey, Now = now }));
        foreach (var credential in revoked)
        {
            await audit.RecordAsync(write.Connection, write.Transaction, "credential.revoked", credential, write.CancellationToken, employeeId, badgeKey);
        }
    }

    private sealed record RevokedCredential
    {
        public required string Id { get; init; }
        public long StatusIndex { get; init; }
    }
}
