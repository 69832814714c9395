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
        var outcome = badge.Evaluate(counted.Counted, moment);
        var evidence = counted.Evidence(badge.Signals.Where(use => catalog.IsOutcome(use.Signal)), moment);
        return new BadgeStanding(outcome, evidence, evidence.Count == 0 ? -1 : outcome.TierRank);
    }
}
