using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>
/// Where an employee stands on a badge at one moment: the metric and requirements, the tier reached (-1 for none),
/// and the evidence, the counted outcome events that made the metric.
/// </summary>
public sealed record BadgeStanding(BadgeOutcome Outcome, IReadOnlyList<long> Evidence, int TierRank)
{
    public double Value => Outcome.Value;
}

/// <summary>The one place a badge's standing is decided, for evaluation, progress, previews and the adversarial gate alike.</summary>
public static class Standings
{
    /// <summary>
    /// Judges <paramref name="badge"/> over the counted events as of <paramref name="moment"/>. No counted outcome in
    /// the evidence, no tier: a constant in a metric must not hand badges to people who did nothing.
    /// </summary>
    public static BadgeStanding Of(CompiledBadge badge, CountedEvents counted, SignalCatalog catalog, DateTimeOffset moment)
    {
        ArgumentNullException.ThrowIfNull(badge);
        ArgumentNullException.ThrowIfNull(counted);
        ArgumentNullException.ThrowIfNull(catalog);
        // The evaluator reports exactly the events each aggregation of the metric read and that raise it: a where
        // filter, a window, a streak's run, a ratio's numerator. Only outcomes can be evidence.
        var read = new List<RuleEvent>();
        var outcome = badge.Evaluate(counted.Counted, moment, read);
        var evidence = counted.SeqsOf(read.Where(e => catalog.IsOutcome(e.Signal)));
        return new BadgeStanding(outcome, evidence, evidence.Count == 0 ? -1 : outcome.TierRank);
    }
}
