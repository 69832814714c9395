using Achievements.Api.Engine.History;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Insights;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Engine.Evaluation;

/// <summary>What one evaluation changed.</summary>
internal sealed record EvaluationCounts(int Granted, int Upgraded, int Downgraded, int Revoked, int Expired)
{
    public static EvaluationCounts None { get; } = new(0, 0, 0, 0, 0);

    public static EvaluationCounts operator +(EvaluationCounts a, EvaluationCounts b) =>
        new(a.Granted + b.Granted, a.Upgraded + b.Upgraded, a.Downgraded + b.Downgraded, a.Revoked + b.Revoked, a.Expired + b.Expired);

    public static EvaluationCounts Of(AwardMove move) => move switch
    {
        AwardMove.Grant => new(1, 0, 0, 0, 0),
        AwardMove.Upgrade => new(0, 1, 0, 0, 0),
        AwardMove.Downgrade => new(0, 0, 1, 0, 0),
        AwardMove.Revoke => new(0, 0, 0, 1, 0),
        AwardMove.Expire => new(0, 0, 0, 0, 1),
        _ => None,
    };
}

/// <summary>One employee evaluated: what changed, and their activity for the detectors (null for a bot or someone unknown).</summary>
internal sealed record EmployeeEvaluation(EvaluationCounts Counts, EmployeeActivity? Activity);

/// <summary>
/// One employee, one step of the pass: load their history, count it, judge every live badge, decide each award's
/// change (<see cref="Awarding.Decide"/>) and record it through the <see cref="AwardLedger"/>, and record the
/// weeks the cost view reads (<see cref="SpendRecord"/>). It decides nothing
/// itself; the activity it reduces goes back to the pass for the detectors.
/// </summary>
internal sealed class EmployeeEvaluator(AwardLedger ledger, IOptions<DetectionOptions> detection)
{
    private const string IsActive = "SELECT active FROM employees WHERE id = @Id";

    public async Task<EmployeeEvaluation> EvaluateAsync(WriteScope write, EvaluationContext context, string employeeId)
    {
        // Deactivated through SCIM (decision 0017): nothing is granted, upgraded, downgraded or expired while they are
        // away; their awards and events stay as they are, and reactivation queues them again. Read in this transaction,
        // after the claim, so a reactivation that commits meanwhile queues them once more rather than being missed.
        if (!await write.Connection.ExecuteScalarAsync<bool>(write.Command(IsActive, new { Id = employeeId })))
        {
            return new(EvaluationCounts.None, null);
        }

        var history = await context.LoadEmployeeAsync(write.Connection, write.Transaction, employeeId, write.CancellationToken);
        if (history is null)
        {
            return new(EvaluationCounts.None, null);
        }

        var now = context.Now;
        var awards = await AwardLedger.AwardsOfAsync(write, employeeId);
        // While an open flag of a holding detector is on the employee, what they earn waits for an admin's review.
        var hold = context.Held.Contains(employeeId);
        var counted = history.CountAsOf(now);
        var counts = EvaluationCounts.None;
        if (history.IsBot)
        {
            foreach (var award in awards.Values)
            {
                var decision = Awarding.ForBot(award.State);
                await ledger.ApplyAsync(write, employeeId, award, decision, now);
                counts += EvaluationCounts.Of(decision.Move);
            }

            return new(counts, null);
        }

        foreach (var badge in context.Badges)
        {
            var award = awards.GetValueOrDefault(badge.Key);
            var (decision, standing) = Decide(context, badge, history, counted, award?.State);
            if (decision.Move == AwardMove.Expire)
            {
                // It ran out: recorded as such, then judged again as an expired award, which only new work earns.
                await ledger.ApplyAsync(write, employeeId, badge, award, decision, standing, hold, now);
                counts += EvaluationCounts.Of(decision.Move);
                award = award! with { Status = AwardStatus.Expired };
                (decision, standing) = Decide(context, badge, history, counted, award.State);
            }

            await ledger.ApplyAsync(write, employeeId, badge, award, decision, standing, hold, now);
            counts += EvaluationCounts.Of(decision.Move);
        }

        // The cost view's weeks, from the same judgement: what counted is what the view calls an outcome.
        await SpendRecord.WriteAsync(write, employeeId, SpendWeeks.Of(counted, context.Catalog, now));
        var activity = EmployeeActivity.From(employeeId, counted, context.Catalog, now, detection.Value);
        return new(counts, activity);
    }

    /// <summary>The badge judged over what can earn the award (<see cref="Awarding.Earning"/>), and the award's change.</summary>
    private static (AwardDecision Decision, BadgeStanding Standing) Decide(EvaluationContext context, CompiledBadge badge, EmployeeHistory history, CountedEvents counted, AwardState? award)
    {
        var now = context.Now;
        var earningCounted = Awarding.Earning(history, counted, award, now);
        var standing = context.Judge(badge, earningCounted, now);
        var decision = Awarding.Decide(award, history, earningCounted, standing, moment => context.Judge(badge, history.CountAsOf(moment), moment), now);
        return (decision, standing);
    }
}
