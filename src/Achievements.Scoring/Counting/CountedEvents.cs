using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>Why an event does not count. Exactly one per event; a failed qualify condition is reported by its name.</summary>
public static class ExclusionReason
{
    public const string NotSettled = "not-settled";
    public const string Corrected = "corrected";
    public const string DailyCap = "daily-cap";
    public const string Bot = "bot";
    public const string Collusion = "collusion";

    /// <summary>Its shipping event (the approved or carrying pull request) never merged and counted within the policy's limit.</summary>
    public const string NotMerged = "not-merged";

    /// <summary>Accepted lines beyond what the pull request that shipped them added.</summary>
    public const string ExceedsMergedLines = "exceeds-merged-lines";

    /// <summary>Nobody other than its author vouches for it.</summary>
    public const string Unvouched = "unvouched";

    /// <summary>Every voice vouching for it has vouched for as many outcomes as one voice may in the window.</summary>
    public const string OneVoice = "one-voice";

    /// <summary>A source the signal's policy does not trust reported this outcome or correction: stored, never counted, correcting nothing.</summary>
    public const string UntrustedSource = "untrusted-source";

    /// <summary>The same outcome (the same identity, see <see cref="CountingPolicy"/>) was reported before, by this source or another: only the first report counts.</summary>
    public const string DuplicateOutcome = "duplicate-outcome";

    /// <summary>Part of a run of work whose lines the outcomes counted before it already stand for (see <see cref="Units"/>).</summary>
    public const string Sliced = "sliced";
}

/// <summary>
/// An event with the policy's verdict: <see cref="Reason"/> is null when it counts. A counted outcome whose signal asks
/// for voices carries them (the distinct people, or closed circles, who vouch for it), and one that needed shipping
/// carries the event that shipped it.
/// </summary>
public sealed record ClassifiedEvent(ReadEvent Read, string? Reason)
{
    public IReadOnlyList<string> Voices { get; init; } = [];

    public ReadEvent? ShippedBy { get; init; }

    /// <summary>
    /// For an outcome whose signal decides an attribute by evidence (<see cref="Attribution"/>): the evidence found,
    /// each as <c>kind</c> or <c>kind:tool</c> (<c>co-author-trailer:claude</c>); empty when none, null when the signal asks for none.
    /// </summary>
    public IReadOnlyList<string>? Evidence { get; init; }

    public StoredEvent Stored => Read.Stored;

    public RuleEvent Rule => Read.Rule;

    /// <summary>The signal's kind: outcome, volume or correction.</summary>
    public string Kind => Read.Signal.Kind;

    public string? AttributeText(string name) => Read.AttributeText(name);

    public double AttributeNumber(string name) => Read.AttributeNumber(name);

    public bool Counts => Reason is null;

    public bool Pending => Reason == ExclusionReason.NotSettled;
}

/// <summary>
/// How one signal's events in a window split into counted, pending and excluded-with-reason; for a signal attributed by
/// evidence, each counted outcome with whether it is attributed and why (null for other signals).
/// </summary>
public sealed record SignalTally(string Type, int Counted, int Pending, IReadOnlyList<ExclusionCount> Excluded)
{
    public IReadOnlyList<AttributedOutcome>? Attribution { get; init; }
}

/// <summary>
/// A counted outcome's attribution: its key (<c>pr_id</c>), when it happened, whether evidence makes it AI-assisted,
/// what its source claimed, and the evidence found (<c>shipped-suggestion</c>, <c>co-author-trailer:claude</c>, …).
/// </summary>
public sealed record AttributedOutcome(string? Id, DateTimeOffset OccurredAt, bool Attributed, bool Claimed, IReadOnlyList<string> Evidence);

/// <summary>How many events were excluded for one reason; for a failed qualify condition, its source, so a page can say what it asks.</summary>
public sealed record ExclusionCount(string Reason, int Count, string? Condition);

/// <summary>An employee's events after the policy: what the rules may see, and why the rest may not.</summary>
public sealed class CountedEvents(IReadOnlyList<ClassifiedEvent> all)
{
    // Built on first use; two threads judging one shared instance (the gate's) may both build it, to the same content.
    private Dictionary<RuleEvent, ClassifiedEvent>? _byRule;
    private EmployeeEvents? _offered;

    public IReadOnlyList<ClassifiedEvent> All { get; } = all;

    public EmployeeEvents Counted { get; } = EmployeeEvents.From(all.Where(e => e.Counts).Select(e => e.Rule));

    public SignalTally Tally(string type, TimeSpan? window, DateTimeOffset now)
    {
        var period = new Window(window);
        var inWindow = All.Where(e => e.Stored.Type == type && period.Contains(e.Stored.OccurredAt, now)).ToList();
        var attribution = inWindow.FirstOrDefault()?.Read.Signal.Attribution;
        return new SignalTally(
            type,
            inWindow.Count(e => e.Counts),
            inWindow.Count(e => e.Pending),
            [.. inWindow.Where(e => !e.Counts && !e.Pending)
                .GroupBy(e => e.Reason!)
                .Select(g => new ExclusionCount(g.Key, g.Count(), g.First().Read.Signal.Qualify.FirstOrDefault(q => q.Name == g.Key)?.Condition))
                .OrderByDescending(x => x.Count)])
        {
            Attribution = attribution is null ? null : [.. inWindow.Where(e => e.Counts).OrderByDescending(e => e.Stored.OccurredAt).Select(e => new AttributedOutcome(
                e.Read.CorrectionKey, e.Stored.OccurredAt, e.Read.AttributeIs(attribution.Attribute), e.Read.AttributeIs(attribution.Claim), e.Evidence ?? []))],
        };
    }

    /// <summary>
    /// The outcomes its voices offered: those that count and those only a voice's bound left out (<c>one-voice</c>
    /// with its voices named). A badge's metric over these tells how much of the work one voice is behind.
    /// </summary>
    public EmployeeEvents Offered => _offered ??= EmployeeEvents.From(All.Where(e => e.Counts || (e.Reason == ExclusionReason.OneVoice && e.Voices.Count > 0)).Select(e => e.Rule));

    /// <summary>The events the rules reported, each once, in stored order: over <see cref="Counted"/>, an award's evidence.</summary>
    public IReadOnlyList<ClassifiedEvent> EvidenceOf(IEnumerable<RuleEvent> events)
    {
        _byRule ??= All.ToDictionary<ClassifiedEvent, RuleEvent, ClassifiedEvent>(e => e.Rule, e => e, ReferenceEqualityComparer.Instance);
        return [.. events.Select(e => _byRule[e]).Distinct().OrderBy(e => e.Stored.Seq)];
    }
}
