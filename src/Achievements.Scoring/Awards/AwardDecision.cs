namespace Achievements.Scoring;

/// <summary>An award's status: shown, waiting for an admin's review of a flag, taken back, or run out.</summary>
public static class AwardStatus
{
    public const string Active = "active";
    public const string Held = "held";
    public const string Revoked = "revoked";

    /// <summary>Its badge version's <c>expiresAfter</c> ran out: the tier is kept to show what it was, and it is earned again only by new work.</summary>
    public const string Expired = "expired";
}

/// <summary>An award as evaluation needs it: where it is, the evidence it was granted on, whether an admin blocked it, and when it runs out.</summary>
public sealed record AwardState(string Status, int TierRank, IReadOnlyList<long> Evidence, DateTimeOffset AwardedAt, bool Blocked, DateTimeOffset? ExpiresAt = null);

/// <summary>What evaluation does to one award.</summary>
public enum AwardMove
{
    /// <summary>Nothing: awards are durable, so a window that rolls past a threshold changes nothing.</summary>
    None,

    /// <summary>A first tier, or a tier again after a revocation by evaluation.</summary>
    Grant,

    /// <summary>A higher tier than the award holds.</summary>
    Upgrade,

    /// <summary>Clawback to a lower tier: evidence was corrected and the award, judged again, no longer reaches its tier.</summary>
    Downgrade,

    /// <summary>Clawback to nothing, or a bot's award.</summary>
    Revoke,

    /// <summary>The award ran out (its badge version's <c>expiresAfter</c> since the tier was reached).</summary>
    Expire,
}

/// <summary>Evaluation's decision for one award, with the tier it moves to and why.</summary>
public sealed record AwardDecision(AwardMove Move, int TierRank, string? Reason)
{
    public static AwardDecision None { get; } = new(AwardMove.None, -1, null);
}

/// <summary>
/// The one place that decides how evaluation changes an award. Awards are durable: only a correction of the
/// evidence takes one back, and then the badge is judged again as of the moment it was granted, with what is known
/// now, keeping the higher of that tier and today's.
/// </summary>
public static class Awarding
{
    /// <summary>Why an award ran out, as its history records it.</summary>
    public const string ExpiredReason = "expired";

    /// <summary>
    /// The counted events that can earn an award, as of <paramref name="now"/>: all of them (<paramref name="counted"/>,
    /// the whole history's), but after an award expired only what happened after that award was granted, counted
    /// again. Expiry means earning the badge again by new work, not holding on to last year's: a badge whose metric
    /// has no window would otherwise be granted again the moment it ran out. Evaluation and progress both ask here.
    /// </summary>
    public static CountedEvents Earning(EmployeeHistory history, CountedEvents counted, AwardState? award, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        return award is { Status: AwardStatus.Expired } ? history.After(award.AwardedAt).CountAsOf(now) : counted;
    }

    /// <summary>When an award granted or upgraded at <paramref name="moment"/> runs out: null when its badge never expires.</summary>
    public static DateTimeOffset? ExpiresAt(CompiledBadge badge, DateTimeOffset moment)
    {
        ArgumentNullException.ThrowIfNull(badge);
        return badge.ExpiresAfter is { } duration ? moment + duration : null;
    }

    /// <summary>Bots never earn anything; an account marked as a bot later loses what it held, of any badge.</summary>
    public static AwardDecision ForBot(AwardState award)
    {
        ArgumentNullException.ThrowIfNull(award);
        return award.Status != AwardStatus.Revoked ? new(AwardMove.Revoke, -1, ExclusionReason.Bot) : AwardDecision.None;
    }

    /// <param name="award">The stored award, or null when there is none.</param>
    /// <param name="history">The employee's history.</param>
    /// <param name="counted">What counts now.</param>
    /// <param name="standing">The badge's standing now.</param>
    /// <param name="standingAt">The badge's standing as of another moment (the grant), computed only when needed.</param>
    /// <param name="now">The moment of the evaluation, against which an award's expiry is read.</param>
    /// <remarks>An expired award's <paramref name="counted"/> and <paramref name="standing"/> are of the <see cref="Earning"/> history.</remarks>
    public static AwardDecision Decide(AwardState? award, EmployeeHistory history, CountedEvents counted, BadgeStanding standing, Func<DateTimeOffset, BadgeStanding> standingAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(counted);
        ArgumentNullException.ThrowIfNull(standing);
        ArgumentNullException.ThrowIfNull(standingAt);
        if (award is { Blocked: true })
        {
            // An admin's revocation stands until an admin restores it.
            return AwardDecision.None;
        }

        if (history.IsBot)
        {
            return award is null ? AwardDecision.None : ForBot(award);
        }

        if (award is { Status: AwardStatus.Active or AwardStatus.Held, ExpiresAt: { } end } && end <= now)
        {
            // First the award runs out; the caller decides again on the expired award, which new work may earn at once.
            return new(AwardMove.Expire, award.TierRank, ExpiredReason);
        }

        if (award is null || award.Status is AwardStatus.Revoked or AwardStatus.Expired)
        {
            return standing.TierRank >= 0 ? new(AwardMove.Grant, standing.TierRank, null) : AwardDecision.None;
        }

        if (standing.TierRank > award.TierRank)
        {
            return new(AwardMove.Upgrade, standing.TierRank, null);
        }

        var evidence = award.Evidence.ToHashSet();
        if (!counted.All.Any(e => e.Reason == ExclusionReason.Corrected && evidence.Contains(e.Stored.Seq)))
        {
            return AwardDecision.None;
        }

        var kept = Math.Max(standing.TierRank, standingAt(award.AwardedAt).TierRank);
        return kept >= award.TierRank ? AwardDecision.None
            : kept >= 0 ? new(AwardMove.Downgrade, kept, ExclusionReason.Corrected)
            : new(AwardMove.Revoke, -1, ExclusionReason.Corrected);
    }
}
