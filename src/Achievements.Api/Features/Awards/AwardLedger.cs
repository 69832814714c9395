using System.Text.Json;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Notifications;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Awards;

/// <summary>An employee's award of one badge as stored.</summary>
internal sealed record AwardRow
{
    public long Id { get; init; }
    public required string BadgeKey { get; init; }
    public required string Status { get; init; }
    public string? Tier { get; init; }
    public long TierRank { get; init; }
    public long BadgeVersion { get; init; }
    public double Value { get; init; }
    public DateTimeOffset AwardedAt { get; init; }
    public required string Evidence { get; init; }
    public long Blocked { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    public IReadOnlyList<long> EvidenceSeqs => JsonSerializer.Deserialize<long[]>(Evidence) ?? [];

    public AwardState State => new(Status, (int)TierRank, EvidenceSeqs, AwardedAt, Blocked != 0, ExpiresAt);
}

/// <summary>What happened to an award, as its history and the audit log record it.</summary>
internal static class AwardAction
{
    public const string Granted = "granted";
    public const string Upgraded = "upgraded";
    public const string Downgraded = "downgraded";
    public const string Revoked = "revoked";
    public const string Restored = "restored";
    public const string Held = "held";
    public const string Released = "released";
    public const string Expired = "expired";
}

/// <summary>
/// The only code that writes award rows. Every change (grant, upgrade, downgrade, revoke by correction or by an admin,
/// restore, hold, release, block, expire) is written here with its <c>award_history</c> row, its audit entry, its
/// notification in the outbox and the revocation of the credentials it takes away, in the caller's transaction, and,
/// once that commits, the directory's read model forgets the employee. So an award, its history, the audit log, what
/// subscribers are told, its credentials' status and the directory never disagree. The states and transitions:
/// docs/architecture.md.
/// </summary>
/// <remarks>
/// A revocation by evaluation (a correction, a bot) clears the tier: nothing is left to give back, and the next
/// tier reached is a new grant. A revocation by an admin or a confirmed flag keeps the tier on the row with
/// <c>blocked = 1</c>, hidden from every read, so that a restore gives back exactly what was taken; evaluation
/// leaves a blocked award alone.
/// </remarks>
internal sealed class AwardLedger(AuditTrail audit, DirectoryChanges directory, NotificationOutbox notifications, CredentialRevocations credentials)
{
    public const string SelectAwards = """
        SELECT id AS Id, badge_key AS BadgeKey, status AS Status, tier AS Tier, tier_rank AS TierRank, badge_version AS BadgeVersion,
               value AS Value, awarded_at AS AwardedAt, evidence AS Evidence, blocked AS Blocked, reason AS Reason, expires_at AS ExpiresAt
        FROM awards WHERE employee_id = @EmployeeId
        """;

    // ON CONFLICT: a revoked or expired award comes back as a new grant; an admin's block is respected even here.
    private const string Grant = """
        INSERT INTO awards (employee_id, badge_key, status, tier, tier_rank, badge_version, value, awarded_at, evidence, updated_at, expires_at)
        VALUES (@EmployeeId, @BadgeKey, @Status, @Tier, @TierRank, @BadgeVersion, @Value, @Now, @Evidence, @Now, @ExpiresAt)
        ON CONFLICT (employee_id, badge_key) DO UPDATE SET
            status = excluded.status, tier = excluded.tier, tier_rank = excluded.tier_rank, badge_version = excluded.badge_version,
            value = excluded.value, awarded_at = excluded.awarded_at, evidence = excluded.evidence, reason = NULL, updated_at = excluded.updated_at,
            expires_at = excluded.expires_at
        WHERE awards.status IN ('revoked', 'expired') AND awards.blocked = 0
        """;

    private const string ChangeTier = """
        UPDATE awards SET tier = @Tier, tier_rank = @TierRank, badge_version = @BadgeVersion, value = @Value,
               awarded_at = @AwardedAt, evidence = @Evidence, reason = @Reason, updated_at = @Now, expires_at = @ExpiresAt,
               status = CASE WHEN @Hold = 1 THEN 'held' ELSE status END
        WHERE id = @Id AND tier_rank = @FromRank
        """;

    // The tier stays on the row, so progress can say what ran out; the next grant replaces it.
    private const string ExpireAward = """
        UPDATE awards SET status = 'expired', reason = @Reason, updated_at = @Now
        WHERE id = @Id AND status IN ('active', 'held') AND blocked = 0
        """;

    private const string RevokeByEvaluation = """
        UPDATE awards SET status = 'revoked', tier = NULL, tier_rank = -1, reason = @Reason, updated_at = @Now
        WHERE id = @Id AND status <> 'revoked'
        """;

    private const string RevokeByAdmin = """
        UPDATE awards SET status = 'revoked', blocked = 1, reason = @Reason, updated_at = @Now
        WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey AND tier_rank >= 0 AND blocked = 0
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string Restore = """
        UPDATE awards SET status = 'active', blocked = 0, reason = NULL, updated_at = @Now
        WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey AND blocked = 1
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string Hold = """
        UPDATE awards SET status = 'held', updated_at = @Now
        WHERE employee_id = @EmployeeId AND status = 'active' AND awarded_at >= @Since
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    // Unless another open flag of a holding detector still holds the employee.
    private static string Release(SqlDialect sql) => $"""
        UPDATE awards SET status = 'active', updated_at = @Now
        WHERE employee_id = @EmployeeId AND status = 'held'
          AND NOT EXISTS (SELECT 1 FROM flag_members m JOIN flags f ON f.id = m.flag_id
                          WHERE m.employee_id = @EmployeeId AND f.status = 'open' AND f.detector IN (SELECT value FROM {sql.Values("@Holding")}))
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string BlockHeld = """
        UPDATE awards SET status = 'revoked', blocked = 1, reason = @Reason, updated_at = @Now
        WHERE employee_id = @EmployeeId AND status = 'held'
        RETURNING badge_key AS BadgeKey, tier AS Tier, badge_version AS Version, value AS Value
        """;

    private const string AppendHistory = """
        INSERT INTO award_history (employee_id, badge_key, action, tier, badge_version, value, reason, at)
        VALUES (@EmployeeId, @BadgeKey, @Action, @Tier, @Version, @Value, @Reason, @At)
        """;

    /// <summary>The detectors whose open flags hold awards, as the JSON array the SQL reads.</summary>
    public static string HoldingDetectors { get; } = JsonSerializer.Serialize(Finding.Holding);

    public static async Task<IReadOnlyDictionary<string, AwardRow>> AwardsOfAsync(WriteScope write, string employeeId) =>
        (await write.Connection.QueryAsync<AwardRow>(write.Command(SelectAwards, new { EmployeeId = employeeId })))
            .ToDictionary(a => a.BadgeKey, StringComparer.Ordinal);

    /// <summary>Evaluation's change of one award, as <see cref="Awarding.Decide"/> decided it. Held while a flag holds the employee.</summary>
    public async Task ApplyAsync(WriteScope write, string employeeId, CompiledBadge badge, AwardRow? award, AwardDecision decision, BadgeStanding standing, bool hold, DateTimeOffset now)
    {
        var tier = badge.TierName(decision.TierRank);
        switch (decision.Move)
        {
            case AwardMove.Grant:
                await write.Connection.ExecuteAsync(write.Command(Grant, new
                {
                    EmployeeId = employeeId,
                    BadgeKey = badge.Key,
                    Status = hold ? AwardStatus.Held : AwardStatus.Active,
                    Tier = tier,
                    TierRank = decision.TierRank,
                    BadgeVersion = badge.Version,
                    standing.Value,
                    Now = now,
                    Evidence = JsonSerializer.Serialize(standing.Evidence),
                    ExpiresAt = Awarding.ExpiresAt(badge, now),
                }));
                await RecordAsync(write, employeeId, badge.Key, AwardAction.Granted, tier, badge.Version, standing.Value, null, now, AuditTrail.System);
                break;
            case AwardMove.Upgrade or AwardMove.Downgrade:
                var upgrade = decision.Move == AwardMove.Upgrade;
                await write.Connection.ExecuteAsync(write.Command(ChangeTier, new
                {
                    award!.Id,
                    Tier = tier,
                    TierRank = decision.TierRank,
                    BadgeVersion = badge.Version,
                    standing.Value,
                    // A clawback keeps the moment of the grant, and so its expiry: the award is what it would have been.
                    AwardedAt = upgrade ? now : award.AwardedAt,
                    ExpiresAt = upgrade ? Awarding.ExpiresAt(badge, now) : award.ExpiresAt,
                    Evidence = JsonSerializer.Serialize(standing.Evidence),
                    decision.Reason,
                    Now = now,
                    FromRank = award.TierRank,
                    Hold = hold && upgrade,
                }));
                await RecordAsync(write, employeeId, badge.Key, upgrade ? AwardAction.Upgraded : AwardAction.Downgraded, tier, badge.Version, standing.Value, decision.Reason, now, AuditTrail.System, previousTier: award.Tier);
                break;
            case AwardMove.Revoke:
                await ApplyAsync(write, employeeId, award!, decision, now);
                break;
            case AwardMove.Expire:
                await write.Connection.ExecuteAsync(write.Command(ExpireAward, new { award!.Id, decision.Reason, Now = now }));
                await RecordAsync(write, employeeId, award.BadgeKey, AwardAction.Expired, award.Tier, award.BadgeVersion, award.Value, decision.Reason, now, AuditTrail.System);
                break;
        }
    }

    /// <summary>Evaluation's revocation of an award, of a live badge or not (a bot's): the tier is cleared, nothing is left to restore.</summary>
    public async Task ApplyAsync(WriteScope write, string employeeId, AwardRow award, AwardDecision decision, DateTimeOffset now)
    {
        if (decision.Move == AwardMove.Revoke)
        {
            await write.Connection.ExecuteAsync(write.Command(RevokeByEvaluation, new { award.Id, decision.Reason, Now = now }));
            await RecordAsync(write, employeeId, award.BadgeKey, AwardAction.Revoked, award.Tier, award.BadgeVersion, award.Value, decision.Reason, now, AuditTrail.System);
        }
    }

    /// <summary>An admin revokes an award; evaluation never grants it again until it is restored. False when there is none to revoke.</summary>
    public async Task<bool> RevokeAsync(WriteScope write, string employeeId, string badgeKey, string reason, DateTimeOffset now) =>
        await ChangeAsync(write, RevokeByAdmin, AwardAction.Revoked, employeeId, new { EmployeeId = employeeId, BadgeKey = badgeKey, Reason = reason, Now = now }, reason, now) > 0;

    /// <summary>Lifts a block: the award is active again at the tier it had. False when nothing was blocked.</summary>
    public async Task<bool> RestoreAsync(WriteScope write, string employeeId, string badgeKey, DateTimeOffset now) =>
        await ChangeAsync(write, Restore, AwardAction.Restored, employeeId, new { EmployeeId = employeeId, BadgeKey = badgeKey, Now = now }, null, now) > 0;

    /// <summary>A holding flag was raised: the employee's active awards granted since <paramref name="since"/> wait for its review.</summary>
    public Task<int> HoldAsync(WriteScope write, string employeeId, DateTimeOffset since, DateTimeOffset now) =>
        ChangeAsync(write, Hold, AwardAction.Held, employeeId, new { EmployeeId = employeeId, Since = since, Now = now }, null, now);

    /// <summary>A flag was dismissed: held awards become active again, unless another open flag still holds the employee.</summary>
    public Task<int> ReleaseAsync(WriteScope write, string employeeId, DateTimeOffset now) =>
        ChangeAsync(write, Release(SqlDialect.Of(write.Connection)), AwardAction.Released, employeeId, new { EmployeeId = employeeId, Holding = HoldingDetectors, Now = now }, null, now);

    /// <summary>A flag was confirmed: held awards are revoked and blocked, as if an admin had revoked each.</summary>
    public Task<int> BlockHeldAsync(WriteScope write, string employeeId, string reason, DateTimeOffset now) =>
        ChangeAsync(write, BlockHeld, AwardAction.Revoked, employeeId, new { EmployeeId = employeeId, Reason = reason, Now = now }, reason, now);

    private async Task<int> ChangeAsync(WriteScope write, string sql, string action, string employeeId, object parameters, string? reason, DateTimeOffset now)
    {
        var changed = (await write.Connection.QueryAsync<ChangedAward>(write.Command(sql, parameters))).ToList();
        foreach (var award in changed)
        {
            await RecordAsync(write, employeeId, award.BadgeKey, action, award.Tier, award.Version, award.Value, reason, now, actor: null);
        }

        return changed.Count;
    }

    /// <summary>
    /// The history row, the audit entry and the notification; the actor is null for the calling key, or <c>system</c>.
    /// <paramref name="previousTier"/> is the tier held before a change of tier.
    /// </summary>
    private async Task RecordAsync(WriteScope write, string employeeId, string badgeKey, string action, string? tier, long version, double value, string? reason, DateTimeOffset now, string? actor, string? previousTier = null)
    {
        await write.Connection.ExecuteAsync(write.Command(AppendHistory, new
        {
            EmployeeId = employeeId,
            BadgeKey = badgeKey,
            Action = action,
            Tier = tier,
            Version = version,
            Value = value,
            Reason = reason,
            At = now,
        }));
        await audit.RecordAsync(write.Connection, write.Transaction, $"award.{action}", new { Tier = tier, Version = version, Value = value, Reason = reason }, write.CancellationToken, employeeId, badgeKey, actor);
        directory.Changed(write, employeeId);
        await notifications.AwardChangedAsync(write, employeeId, badgeKey, action, tier, previousTier, reason, now);
        await credentials.AwardChangedAsync(write, employeeId, badgeKey, action, now);
    }

    private sealed record ChangedAward
    {
        public required string BadgeKey { get; init; }
        public string? Tier { get; init; }
        public long Version { get; init; }
        public double Value { get; init; }
    }
}
