using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>
/// Where an employee stands on a badge at one moment: the metric and requirements, the tier reached (-1 for none),
/// the evidence (the counted outcome events that made the metric), and how many distinct voices vouch for it.
/// </summary>
/// <param name="Outcome">The metric, the requirements, and the tier the metric alone reaches.</param>
/// <param name="Evidence">The stored sequence numbers of the evidence.</param>
/// <param name="TierRank">The tier the employee stands at, after breadth and measurement.</param>
/// <param name="Voices">Distinct voices among the evidence.</param>
/// <param name="VoicesNeeded">Voices a tier above the lowest needs (0: the badge's signals ask for none).</param>
/// <param name="Limit">Why the tier is lower than the metric reaches: <c>one-voice</c> or <c>unmeasured</c>; null when it is not.</param>
public sealed record BadgeStanding(BadgeOutcome Outcome, IReadOnlyList<long> Evidence, int TierRank, int Voices, int VoicesNeeded, string? Limit)
{
    /// <summary>The badge reads volume that no authoritative source reported for the employee: it cannot judge them.</summary>
    public const string Unmeasured = "unmeasured";

    public double Value => Outcome.Value;
}

/// <summary>The one place a badge's standing is decided, for evaluation, progress, previews and the adversarial gate alike.</summary>
public static class Standings
{
    /// <summary>
    /// Judges <paramref name="badge"/> over the counted events as of <paramref name="moment"/>.
    /// <list type="bullet">
    /// <item>No counted outcome in the evidence, no tier: a constant in a metric must not hand badges to people who did nothing.</item>
    /// <item>One relationship is one voice: a tier above the lowest needs the evidence vouched for by as many distinct
    /// voices as its signals' policies ask (three by default); and when one voice alone is behind most of the
    /// outcomes the metric reads, it must still be reached without them; else the standing stops lower,
    /// <c>one-voice</c>.</item>
    /// <item>Missing volume is not frugality: a badge that reads a volume signal judges an employee only when one of the
    /// signal's authoritative sources reported for them inside the badge's window for it, else <c>unmeasured</c>.
    /// This asks whether the employee is measured, never how much volume there is, so more volume still never helps.</item>
    /// </list>
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
        var evidence = counted.EvidenceOf(read.Where(e => catalog.IsOutcome(e.Signal)));
        var voices = evidence.SelectMany(e => e.Voices).Distinct(StringComparer.Ordinal).Count();
        var needed = evidence.Select(e => e.Read.Signal.Voices?.Breadth ?? 0).DefaultIfEmpty(0).Max();
        var seqs = evidence.Select(e => e.Stored.Seq).ToList();
        if (!Measured(badge, counted, catalog, moment))
        {
            return new BadgeStanding(outcome, seqs, -1, voices, needed, BadgeStanding.Unmeasured);
        }

        var rank = evidence.Count == 0 ? -1 : outcome.TierRank;
        if (rank > 0 && voices < needed)
        {
            return new BadgeStanding(outcome, seqs, 0, voices, needed, ExclusionReason.OneVoice);
        }

        // No one relationship carries anyone past the lowest tier: when one voice alone is behind most of the outcomes
        // the badge reads (counting those its bound left out), a higher tier must still be reached without them. A
        // patron's approvals are nearly all of a farmer's work; a colleague's, one part in several.
        if (rank > 0 && needed > 0 && WithoutDominantVoice(badge, counted, catalog, moment) is { } without && without < rank)
        {
            return new BadgeStanding(outcome, seqs, Math.Max(without, 0), voices, needed, ExclusionReason.OneVoice);
        }

        return new BadgeStanding(outcome, seqs, rank, voices, needed, null);
    }

    /// <summary>
    /// The tier reached without the counted outcomes vouched for by one voice only, when that voice alone vouches for
    /// more than half of the outcomes the metric reads before voices' bounds; null when no voice does. Half, not
    /// 1/breadth: in a team of five, chance alone puts one colleague behind 40 % of someone's year now and then.
    /// </summary>
    private static int? WithoutDominantVoice(CompiledBadge badge, CountedEvents counted, SignalCatalog catalog, DateTimeOffset moment)
    {
        var read = new List<RuleEvent>();
        badge.Evaluate(counted.Offered, moment, read);
        var offered = counted.EvidenceOf(read.Where(e => catalog.IsOutcome(e.Signal)));
        var top = offered.Where(e => e.Voices.Count == 1).GroupBy(e => e.Voices[0], StringComparer.Ordinal).MaxBy(g => g.Count());
        if (top is null || top.Count() * 2 <= offered.Count)
        {
            return null;
        }

        var voice = top.Key;
        var rest = EmployeeEvents.From(counted.All.Where(e => e.Counts && !(e.Voices.Count == 1 && e.Voices[0] == voice)).Select(e => e.Rule));
        return badge.Evaluate(rest, moment).TierRank;
    }

    /// <summary>Whether every volume signal the badge reads has an authoritative report for the employee in its window.</summary>
    private static bool Measured(CompiledBadge badge, CountedEvents counted, SignalCatalog catalog, DateTimeOffset moment) =>
        badge.Signals.All(use => catalog.Find(use.Signal) is not { Kind: SignalDefinition.Volume } volume
            || counted.All.Any(e => e.Stored.Type == use.Signal
                && volume.AuthoritativeSources.Contains(e.Stored.Source)
                && new Window(use.Window).Contains(e.Stored.OccurredAt, moment)));
}
