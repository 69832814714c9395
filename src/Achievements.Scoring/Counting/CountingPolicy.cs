using System.Text;
using System.Text.Json;
using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>An event as stored, less its attributes: the policy reads those once, into <see cref="ReadEvent.Rule"/>.</summary>
public sealed record StoredEvent
{
    public long Seq { get; init; }
    public required string Source { get; init; }
    public required string Type { get; init; }
    public required string Actor { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}

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
/// Confirmed review rings: for each member, the others. Approvals between members stop counting,
/// since an admin has confirmed they were traded rather than earned.
/// </summary>
public sealed class CollusionGroups(IReadOnlyDictionary<string, HashSet<string>> mates)
{
    public static readonly CollusionGroups None = new(new Dictionary<string, HashSet<string>>());

    public bool Colluded(string approver, string? author) =>
        author is not null && mates.TryGetValue(approver, out var others) && others.Contains(author);

    public static CollusionGroups From(IEnumerable<(long Group, string Employee)> members)
    {
        var mates = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in members.GroupBy(m => m.Group))
        {
            foreach (var (_, employee) in group)
            {
                (mates.TryGetValue(employee, out var set) ? set : mates[employee] = new HashSet<string>(StringComparer.Ordinal))
                    .UnionWith(group.Select(m => m.Employee).Where(other => other != employee));
            }
        }

        return new CollusionGroups(mates);
    }
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
        var inWindow = All.Where(e => e.Stored.Type == type && e.Stored.OccurredAt <= now && (window is null || e.Stored.OccurredAt > now - window)).ToList();
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

/// <summary>An event read once into the rule engine's form, with the value a correction would match it on.</summary>
public sealed record ReadEvent(StoredEvent Stored, RuleEvent Rule, SignalDefinition Signal, SignalSchema Schema, string? CorrectionKey)
{
    public CorrectedBy? CorrectedBy => Signal.CorrectedBy;

    public string? AttributeText(string name) => Schema.IndexOf(name) is var i and >= 0 ? Rule[i].TextValue : null;

    public double AttributeNumber(string name) => Schema.IndexOf(name) is var i and >= 0 ? Rule[i].NumberValue ?? 0 : 0;

    public bool AttributeIs(string name) => Schema.IndexOf(name) is var i and >= 0 && Rule[i].BoolValue == true;
}

/// <summary>
/// A question for the stored events: which events of <paramref name="Signal"/> carry one of <paramref name="Keys"/> in
/// the string attribute <paramref name="Attribute"/>, from any source and whoever's they are. Both directions of a
/// correction ask it (evaluation for the corrections of an employee's outcomes, ingestion for the outcomes a new
/// correction undoes), and so does evaluation for every report of an employee's outcomes, to tell the first from
/// duplicates. The service answers it with one query, the adversarial gate from its events in memory (<see cref="Find"/>).
/// </summary>
public sealed record KeyLookup(string Signal, string Attribute, IReadOnlyList<string> Keys)
{
    /// <summary>The events in memory that match: what the service reads from the events table for shipping.</summary>
    public IEnumerable<ReadEvent> Matching(IEnumerable<ReadEvent> events)
    {
        var keys = Keys.ToHashSet(StringComparer.Ordinal);
        return events.Where(e => e.Stored.Type == Signal && e.AttributeText(Attribute) is { } key && keys.Contains(key));
    }

    /// <summary>The answer from events in memory: what the service's query returns from the events table.</summary>
    public IEnumerable<KeyedEvent> Find(IEnumerable<ReadEvent> events)
    {
        var keys = Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Stored.Type == Signal && e.Schema.IndexOf(Attribute) is var index and >= 0 && e.Rule[index].TextValue is { } key && keys.Contains(key))
            {
                yield return new KeyedEvent(e.Stored.Source, key, e.Stored.Actor, e.Stored.Seq);
            }
        }
    }
}

/// <summary>An event found by a <see cref="KeyLookup"/>: where it came from, the key it carries, whose it is, and when it was stored.</summary>
public sealed record KeyedEvent(string Source, string Key, string Actor, long Seq);

/// <summary>
/// What the stored events say about an employee's outcomes by their key (<c>correctedBy.on</c>), from every source:
/// the corrections that match them, and every report of the same outcomes, whoever's. The policy reads it with its
/// trusted sources: a correction from a source trusted for the correction removes the outcome for good, whenever it
/// arrives and whoever sent it; of the trusted reports of one outcome only the first stored counts.
/// </summary>
public sealed class CorrectionIndex
{
    private readonly Dictionary<(string Signal, string Key), List<KeyedEvent>> _found;

    private CorrectionIndex(Dictionary<(string Signal, string Key), List<KeyedEvent>> found) => _found = found;

    public static CorrectionIndex None { get; } = new([]);

    /// <summary>The events of <paramref name="signal"/> found carrying <paramref name="key"/>, from any source.</summary>
    public IReadOnlyList<KeyedEvent> Found(string signal, string key) => _found.TryGetValue((signal, key), out var found) ? found : [];

    /// <summary>
    /// What to look up for <paramref name="events"/>: per correction signal, its events with their outcomes' keys; per
    /// outcome signal, its own events with those keys (every report of the same outcomes).
    /// </summary>
    public static IReadOnlyList<KeyLookup> LookupsFor(IEnumerable<ReadEvent> events)
    {
        var keyed = events.Where(e => e.CorrectedBy is not null && e.CorrectionKey is not null).ToList();
        return [.. keyed.GroupBy(e => (e.CorrectedBy!.Signal, e.CorrectedBy.On))
                .Concat(keyed.GroupBy(e => (e.Stored.Type, e.CorrectedBy!.On)))
                .Select(group => new KeyLookup(group.Key.Item1, group.Key.On, [.. group.Select(e => e.CorrectionKey!).Distinct(StringComparer.Ordinal)]))];
    }

    /// <summary>The index from the answers to <see cref="LookupsFor"/>.</summary>
    public static CorrectionIndex From(IEnumerable<(KeyLookup Lookup, IEnumerable<KeyedEvent> Found)> answers)
    {
        var found = new Dictionary<(string, string), List<KeyedEvent>>();
        foreach (var (lookup, events) in answers)
        {
            foreach (var e in events)
            {
                (found.TryGetValue((lookup.Signal, e.Key), out var list) ? list : found[(lookup.Signal, e.Key)] = []).Add(e);
            }
        }

        return new CorrectionIndex(found);
    }

    /// <summary>
    /// The other direction, for new corrections: the outcomes they undo, one lookup per corrected signal. A correction
    /// changes the standing of the outcome's author, not of whoever sent the correction.
    /// </summary>
    /// <param name="catalog">Which signal each correction corrects, and on which attribute.</param>
    /// <param name="corrections">Each new event's type and a reader of its string attributes.</param>
    public static IReadOnlyList<KeyLookup> OutcomesCorrectedBy(SignalCatalog catalog, IReadOnlyList<(string Type, Func<string, string?> Attribute)> corrections) =>
        [.. catalog.Signals
            .Where(outcome => outcome.CorrectedBy is not null)
            .Select(outcome => new KeyLookup(
                outcome.Type,
                outcome.CorrectedBy!.On,
                [.. corrections.Where(c => c.Type == outcome.CorrectedBy.Signal).Select(c => c.Attribute(outcome.CorrectedBy.On)).OfType<string>().Distinct(StringComparer.Ordinal)]))
            .Where(lookup => lookup.Keys.Count > 0)];
}

/// <summary>
/// For ingestion: whom new evidence concerns. <c>ai.evidence</c> about a merge changes the standing of the merge's
/// author, who may not be the evidence's actor (a commit pushed by someone else, a tool reporting for a pull request).
/// </summary>
public static class AttributedOutcomes
{
    /// <summary>
    /// One lookup per attributed signal and key: its outcomes whose identity (<c>correctedBy.on</c>) is an evidence's
    /// <c>pr_id</c>, and whose <c>merge_commit_sha</c> is an evidence's <c>commit_sha</c>.
    /// </summary>
    /// <param name="catalog">Which signals are attributed by evidence.</param>
    /// <param name="events">Each new event's type and a reader of its string attributes.</param>
    public static IReadOnlyList<KeyLookup> NamedBy(SignalCatalog catalog, IReadOnlyList<(string Type, Func<string, string?> Attribute)> events)
    {
        var (signal, pull, commit, _, _) = BuiltInSignals.Evidence;
        var evidence = events.Where(e => e.Type == signal).ToList();
        if (evidence.Count == 0)
        {
            return [];
        }

        return [.. catalog.Signals
            .Where(outcome => outcome.Attribution is not null && outcome.CorrectedBy is not null)
            .SelectMany(outcome => new[]
            {
                new KeyLookup(outcome.Type, outcome.CorrectedBy!.On, Keys(evidence, pull)),
                new KeyLookup(outcome.Type, BuiltInSignals.MergeFacts.Commit, outcome.Attribute(BuiltInSignals.MergeFacts.Commit) is null ? [] : Keys(evidence, commit)),
            })
            .Where(lookup => lookup.Keys.Count > 0)];
    }

    private static List<string> Keys(List<(string Type, Func<string, string?> Attribute)> evidence, string name) =>
        [.. evidence.Select(e => e.Attribute(name)).OfType<string>().Distinct(StringComparer.Ordinal)];
}

/// <summary>
/// The catalog's policy, compiled: trusted sources, identities, qualify conditions, settlement windows, corrections
/// and daily caps. It decides for every event whether it counts; rules only ever see the events that do.
/// </summary>
/// <remarks>
/// An outcome is one outcome whoever reports it. Its identity is its correction key (<c>correctedBy.on</c>: a pull
/// request's <c>pr_id</c>, a suggestion's <c>suggestion_id</c>), across sources and employees: of the reports from
/// sources the signal trusts, the first stored (lowest <c>seq</c>) counts, with its actor and its facts, and every
/// later one is <c>duplicate-outcome</c>. Where that key names the work the outcome ships in (<c>shippedBy.on</c> is
/// the same attribute: an approval's <c>pr_id</c> is the pull request approved, which many approve), the identity is
/// the key and the actor: one approval per reviewer and pull request.
/// </remarks>
public sealed class CountingPolicy
{
    private readonly Dictionary<string, SignalPolicy> _signals;

    private CountingPolicy(Dictionary<string, SignalPolicy> signals) => _signals = signals;

    public static CountingPolicy Compile(SignalCatalog catalog)
    {
        var ruleCatalog = catalog.ToRuleCatalog();
        var signals = new Dictionary<string, SignalPolicy>(StringComparer.Ordinal);
        foreach (var signal in catalog.Signals)
        {
            var conditions = signal.Qualify.Select(q =>
            {
                var compiled = RuleCompiler.Compile(q.Condition, RuleKind.Qualify, ruleCatalog, signal.Type);
                return (q.Name, Predicate: compiled.Predicate
                    ?? throw new InvalidOperationException($"The stored qualify condition '{q.Name}' of {signal.Type} does not compile."));
            }).ToList();
            signals[signal.Type] = new SignalPolicy(signal, RuleCatalogBridge.ToSchema(signal), conditions, signal.SettlementWindow);
        }

        return new CountingPolicy(signals);
    }

    /// <summary>Reads events and their attributes' JSON once; the result can be classified as of any moment.</summary>
    public IReadOnlyList<ReadEvent> Read(IEnumerable<(StoredEvent Event, string Attributes)> events, IReadOnlySet<string> bots) =>
        [.. events.Select(e => Read(e.Event, Encoding.UTF8.GetBytes(e.Attributes), bots)).OfType<ReadEvent>()];

    /// <summary>Whether events of this type are read at all: a type no longer in the catalog is ignored.</summary>
    public bool Reads(string type) => _signals.ContainsKey(type);

    /// <summary>
    /// Reads one event's attributes, UTF-8 JSON as stored, in schema order, and the value a correction would match on,
    /// with a forward-only reader: every event of a year-long history is read on each evaluation. Null when the catalog
    /// no longer has the event's signal. Bot accounts are taken out of every list: a bot is no independent reviewer.
    /// </summary>
    public ReadEvent? Read(StoredEvent stored, ReadOnlySpan<byte> attributes, IReadOnlySet<string> bots)
    {
        if (!_signals.TryGetValue(stored.Type, out var policy))
        {
            return null;
        }

        var values = new AttributeValue[policy.Schema.Attributes.Count];
        string? correctionKey = null;
        var json = new Utf8JsonReader(attributes);
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"The attributes of event {stored.Seq} are not a JSON object.");
        }

        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var index = policy.IndexOf(ref json);
            json.Read();
            if (index < 0)
            {
                json.Skip();
                continue;
            }

            if (index == policy.AttributionIndex)
            {
                // What the source says is a claim: it goes to the claim's place, unless the claim was posted too.
                index = policy.ClaimIndex;
                if (values[index].Kind != AttributeValueKind.Missing)
                {
                    json.Skip();
                    continue;
                }
            }

            if (index == policy.CorrectionKeyIndex)
            {
                // Corrections match on string attributes (ids); the catalog refuses any other.
                correctionKey = json.TokenType == JsonTokenType.String ? json.GetString() : null;
            }

            values[index] = json.TokenType switch
            {
                JsonTokenType.Number => AttributeValue.Number(json.GetDouble()),
                JsonTokenType.String => AttributeValue.Text(json.GetString()),
                JsonTokenType.True => AttributeValue.Bool(true),
                JsonTokenType.False => AttributeValue.Bool(false),
                JsonTokenType.StartArray => AttributeValue.List(ReadNames(ref json, bots)),
                _ => AttributeValue.Missing,
            };
            json.Skip();
        }

        return new ReadEvent(stored, new RuleEvent(stored.Type, stored.OccurredAt, stored.Actor, values), policy.Signal, policy.Schema, correctionKey);
    }

    /// <summary>
    /// Judges every event as of <paramref name="asOf"/>: settlement and shipping depend on the moment, corrections do
    /// not. Then, in this order: the daily caps, the lines a shipping event bounds, who independent vouches
    /// (<c>unvouched</c>), units of work (<c>sliced</c>), each voice's bound (<c>one-voice</c>), and attribution by evidence.
    /// </summary>
    public CountedEvents Classify(IReadOnlyList<ReadEvent> events, bool isBot, CorrectionIndex corrections, CollusionGroups collusion, DateTimeOffset asOf) =>
        Classify(events, isBot, corrections, collusion, ShippingIndex.None, IndependentVoices.Everyone, asOf);

    /// <inheritdoc cref="Classify(IReadOnlyList{ReadEvent}, bool, CorrectionIndex, CollusionGroups, DateTimeOffset)"/>
    public CountedEvents Classify(IReadOnlyList<ReadEvent> events, bool isBot, CorrectionIndex corrections, CollusionGroups collusion, ShippingIndex shipping, IndependentVoices voices, DateTimeOffset asOf)
    {
        var judged = events.Where(e => e.Stored.OccurredAt <= asOf).ToList();
        var classified = new List<ClassifiedEvent>(judged.Count);
        var unnamed = new List<int>();
        foreach (var e in judged)
        {
            if (!isBot && ShipsInOwnWork(e))
            {
                // Judged once the author's own shipping events are: see OwnWork.
                unnamed.Add(classified.Count);
                classified.Add(null!);
                continue;
            }

            classified.Add(isBot ? new ClassifiedEvent(e, ExclusionReason.Bot) : Judge(_signals[e.Stored.Type], e, corrections, collusion, shipping, null, asOf));
        }

        if (unnamed.Count > 0)
        {
            var own = new OwnWork(classified);
            foreach (var i in unnamed.OrderBy(i => judged[i].Stored.OccurredAt).ThenBy(i => judged[i].Stored.Seq))
            {
                classified[i] = Judge(_signals[judged[i].Stored.Type], judged[i], corrections, collusion, shipping, own, asOf);
            }
        }

        var vouched = ApplyIndependence(ApplyShippedLines(ApplyDailyCaps(classified)), voices);
        return new CountedEvents(ApplyAttribution(ApplyVoiceBounds(ApplyUnits(vouched)), shipping));
    }

    /// <summary>
    /// An outcome whose policy ships it in its author's own work, bounded by lines (an accepted suggestion), that names
    /// no shipping event: what AI tools report over OpenTelemetry, which knows nothing of pull requests.
    /// </summary>
    private static bool ShipsInOwnWork(ReadEvent e) =>
        e.Signal.ShippedBy is { Actor: ShippedBy.SameActor, Lines: not null, UpTo: not null } ship && e.AttributeText(ship.On) is null;

    private ClassifiedEvent Judge(SignalPolicy policy, ReadEvent e, CorrectionIndex corrections, CollusionGroups collusion, ShippingIndex shipping, OwnWork? own, DateTimeOffset asOf)
    {
        if (e.Signal.Kind != SignalDefinition.Volume && !MayReport(e.Signal, e.Stored.Source))
        {
            return new(e, ExclusionReason.UntrustedSource);
        }

        if (Corrected(e, corrections))
        {
            return new(e, ExclusionReason.Corrected);
        }

        if (e.CorrectionKey is { } key && !IsFirstReport(e, corrections.Found(e.Stored.Type, key).Select(found => (found.Seq, found.Source, found.Actor))))
        {
            return new(e, ExclusionReason.DuplicateOutcome);
        }

        if (e.Stored.Type == BuiltInSignals.Review.Signal && collusion.Colluded(e.Stored.Actor, e.AttributeText(BuiltInSignals.Review.Author)))
        {
            return new(e, ExclusionReason.Collusion);
        }

        if (FailedCondition(policy, e) is { } failed)
        {
            return new(e, failed);
        }

        ReadEvent? shippedBy = null;
        if (policy.Signal.ShippedBy is { } ship)
        {
            var (reason, found) = own is not null ? own.Ship(e, ship, asOf) : Shipping(e, ship, shipping, asOf);
            if (reason is not null)
            {
                return new(e, reason);
            }

            shippedBy = found;
        }

        return new(e, e.Stored.OccurredAt + policy.Settlement > asOf ? ExclusionReason.NotSettled : null) { ShippedBy = shippedBy };
    }

    /// <summary>
    /// Whether a source may report a signal: any source when its list of <c>authoritativeSources</c> is empty. For a
    /// volume signal the list means more (the sources whose silence is measured, see <c>Standings</c>); an outcome
    /// or a correction from another source is <c>untrusted-source</c>, and such a correction corrects nothing.
    /// </summary>
    private static bool MayReport(SignalDefinition signal, string source) =>
        signal.AuthoritativeSources.Count == 0 || signal.AuthoritativeSources.Contains(source, StringComparer.Ordinal);

    private bool MayReport(string type, string source) => _signals.TryGetValue(type, out var policy) && MayReport(policy.Signal, source);

    /// <summary>Whether a correction from a source trusted for it carries the outcome's key, whichever source reported the outcome.</summary>
    private bool Corrected(ReadEvent e, CorrectionIndex corrections) =>
        e.CorrectedBy is { } by && e.CorrectionKey is { } key && corrections.Found(by.Signal, key).Any(found => MayReport(by.Signal, found.Source));

    /// <summary>
    /// Whether <paramref name="e"/> is the first stored of the trusted <paramref name="reports"/> of its outcome (its own
    /// report among them, or none found: an index that was not asked knows of no other).
    /// </summary>
    private static bool IsFirstReport(ReadEvent e, IEnumerable<(long Seq, string Source, string Actor)> reports)
    {
        var perActor = e.Signal.ShippedBy is { } ship && ship.On == e.CorrectedBy?.On;
        return !reports.Any(r => r.Seq < e.Stored.Seq && MayReport(e.Signal, r.Source) && (!perActor || r.Actor == e.Stored.Actor));
    }

    private static string? FailedCondition(SignalPolicy policy, ReadEvent e)
    {
        foreach (var (name, predicate) in policy.Conditions)
        {
            if (!predicate.Test(e.Rule))
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the outcome shipped as of <paramref name="asOf"/>: an event of the shipping signal with the same key,
    /// from any source trusted for it but only the first such report (a pull request reported twice ships its approvals
    /// once), of the right actor, at or after the outcome, that counts itself (its conditions hold, it is not corrected,
    /// it has settled). While one may still come, the outcome is pending; after the limit, not merged.
    /// </summary>
    private (string? Reason, ReadEvent? Shipped) Shipping(ReadEvent e, ShippedBy ship, ShippingIndex shipping, DateTimeOffset asOf)
    {
        var key = e.AttributeText(ship.On);
        var actor = ship.Actor == ShippedBy.SameActor ? e.Stored.Actor : e.AttributeText(ship.Actor);
        var pending = false;
        if (key is not null && actor is not null && _signals.TryGetValue(ship.Signal, out var shippingPolicy))
        {
            var reports = shipping.Candidates(ship.Signal, key);
            foreach (var candidate in reports)
            {
                // An approval recorded after the merge reviewed nothing; the shipping event must come after the outcome.
                if (candidate.Stored.Actor != actor || candidate.Stored.OccurredAt < e.Stored.OccurredAt || candidate.Stored.OccurredAt > asOf
                    || !MayReport(ship.Signal, candidate.Stored.Source)
                    || !IsFirstReport(candidate, reports.Select(r => (r.Stored.Seq, r.Stored.Source, r.Stored.Actor)))
                    || Corrected(candidate, shipping.Corrections) || FailedCondition(shippingPolicy, candidate) is not null)
                {
                    continue;
                }

                if (candidate.Stored.OccurredAt + shippingPolicy.Settlement <= asOf)
                {
                    return (null, candidate);
                }

                pending = true;
            }
        }

        return pending || e.Stored.OccurredAt + ship.WithinWindow > asOf ? (ExclusionReason.NotSettled, null) : (ExclusionReason.NotMerged, null);
    }

    /// <summary>
    /// The lines of outcomes one shipping event carries count up to what it added, in time order: a pull request that
    /// added 40 lines ships at most 40 lines of accepted suggestions, however many name it.
    /// </summary>
    private static List<ClassifiedEvent> ApplyShippedLines(List<ClassifiedEvent> events)
    {
        // By the shipping event's identity, not its instance: a suggestion that names the pull request finds it through
        // the shipping lookups, one that names none among its author's own events, and both share its lines.
        var shipped = new Dictionary<(string Type, long Seq), double>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.ShippedBy is not { } by || e.Read.Signal.ShippedBy is not { Lines: { } lines, UpTo: { } upTo } || !(e.Counts || e.Pending))
            {
                continue;
            }

            var total = shipped.GetValueOrDefault((by.Stored.Type, by.Stored.Seq)) + e.AttributeNumber(lines);
            if (total > LinesThatCount.UpTo(by, upTo))
            {
                events[i] = e with { Reason = ExclusionReason.ExceedsMergedLines, ShippedBy = null };
                continue;
            }

            shipped[(by.Stored.Type, by.Stored.Seq)] = total;
        }

        return events;
    }

    /// <summary>
    /// One relationship is one voice. Each counted outcome of a signal that asks for voices is vouched for by the
    /// people its policy names who are independent voices for its author (<see cref="IndependentVoices"/>: people in
    /// the directory, not the author nor the author's patrons, a closed circle's members as one voice); none makes it
    /// <c>unvouched</c>. Decided before units of work, so that work nobody independent vouches for never takes a
    /// run's place.
    /// </summary>
    private List<ClassifiedEvent> ApplyIndependence(List<ClassifiedEvent> events, IndependentVoices independent)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!e.Counts || e.Read.Signal.Voices is not { } policy)
            {
                continue;
            }

            var voices = VouchersOf(e.Read, policy, e.ShippedBy)
                .Select(voucher => independent.VoiceOf(e.Stored.Actor, voucher))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
            events[i] = voices.Count == 0 ? e with { Reason = ExclusionReason.Unvouched } : e with { Voices = voices };
        }

        return events;
    }

    /// <summary>
    /// Within the policy's rolling window a voice vouches for at most its bound of counted outcomes: an outcome whose
    /// every voice has reached it is <c>one-voice</c>. Decided after units of work, so that a voice vouches for pieces
    /// of work, and the slices of one never use up what a colleague can vouch for.
    /// </summary>
    private static List<ClassifiedEvent> ApplyVoiceBounds(List<ClassifiedEvent> events)
    {
        var vouched = new Dictionary<(string Signal, string Voice), Queue<DateTimeOffset>>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!e.Counts || e.Read.Signal.Voices is not { } policy || e.Voices.Count == 0)
            {
                continue;
            }

            var from = e.Stored.OccurredAt - policy.WindowSpan;
            var open = e.Voices.Where(voice =>
            {
                var times = vouched.TryGetValue((e.Stored.Type, voice), out var queue) ? queue : vouched[(e.Stored.Type, voice)] = new Queue<DateTimeOffset>();
                while (times.TryPeek(out var oldest) && oldest <= from)
                {
                    times.Dequeue();
                }

                return times.Count < policy.PerVoice;
            }).ToList();
            if (open.Count == 0)
            {
                // Left out by the bound, but still offered by these voices: what shows a patron behind most of the work.
                events[i] = e with { Reason = ExclusionReason.OneVoice };
                continue;
            }

            foreach (var voice in e.Voices)
            {
                vouched[(e.Stored.Type, voice)].Enqueue(e.Stored.OccurredAt);
            }
        }

        return events;
    }

    /// <summary>
    /// One piece of work counts once however it is sliced (<see cref="Units"/>). In time order, an author's outcomes
    /// of a signal (towards one person when the policy says <c>by</c>) each less than the gap after the one before form
    /// a run, whatever the policy made of them: which outcomes are one run never depends on which of them count, so
    /// excluding one (a trivial slice) never splits a run in two. An outcome that counts (or is settling) adds its
    /// substance, the lines that count of the merge it is or shipped in, and counts when the run's lines exceed what
    /// the outcomes counted before it stand for; otherwise it is <c>sliced</c>. An outcome with no merge to measure (an
    /// approval still waiting for one) is left as it is.
    /// </summary>
    private static List<ClassifiedEvent> ApplyUnits(List<ClassifiedEvent> events)
    {
        var runs = new Dictionary<(string Signal, string? By), (double Lines, int Counted, DateTimeOffset Last)>();
        var order = Enumerable.Range(0, events.Count)
            .Where(i => events[i].Read.Signal.Units is not null)
            .OrderBy(i => events[i].Stored.OccurredAt).ThenBy(i => events[i].Stored.Seq);
        foreach (var i in order)
        {
            var e = events[i];
            var units = e.Read.Signal.Units!;
            var key = (e.Stored.Type, units.By is null ? null : e.AttributeText(units.By));
            var run = runs.TryGetValue(key, out var open) && e.Stored.OccurredAt - open.Last < units.GapSpan ? open : (Lines: 0, Counted: 0, Last: e.Stored.OccurredAt);
            run.Last = e.Stored.OccurredAt;
            var merge = e.Stored.Type == BuiltInSignals.Merge.Signal ? e.Read : e.ShippedBy is { Stored.Type: var type } by && type == BuiltInSignals.Merge.Signal ? by : null;
            if ((e.Counts || e.Pending) && merge is not null)
            {
                run.Lines += LinesThatCount.Substance(merge);
                if (run.Lines > run.Counted * (double)units.Lines)
                {
                    run.Counted++;
                }
                else
                {
                    events[i] = e with { Reason = ExclusionReason.Sliced };
                }
            }

            runs[key] = run;
        }

        return events;
    }

    /// <summary>
    /// Attribution by evidence (<see cref="Attribution"/>): an outcome's attribute (<c>ai_assisted</c>) is true only
    /// when a counted outcome of its author's own shipped in it (an accepted suggestion), or an <c>ai.evidence</c>
    /// event from a source trusted for it names its key or its merge commit. The evidence found goes with it.
    /// </summary>
    private List<ClassifiedEvent> ApplyAttribution(List<ClassifiedEvent> events, ShippingIndex linked)
    {
        if (!events.Any(e => e.Read.Signal.Attribution is not null))
        {
            return events;
        }

        var shippedSuggestion = ShippedSuggestions(events);
        var (signal, pull, commit, tool, kind) = BuiltInSignals.Evidence;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Read.Signal.Attribution is not { } attribution || e.Read.Schema.IndexOf(attribution.Attribute) is not (var index and >= 0))
            {
                continue;
            }

            var evidence = new List<string>();
            if (shippedSuggestion.Contains((e.Stored.Type, e.Stored.Seq)))
            {
                evidence.Add(BuiltInSignals.EvidenceKinds.ShippedSuggestion);
            }

            var key = e.Read.CorrectionKey;
            var sha = e.AttributeText(BuiltInSignals.MergeFacts.Commit);
            evidence.AddRange(
                (key is null ? [] : linked.Candidates(signal, key).Where(found => found.AttributeText(pull) == key))
                .Concat(sha is null ? [] : linked.Candidates(signal, sha).Where(found => found.AttributeText(commit) == sha))
                .Where(found => MayReport(signal, found.Stored.Source))
                .Select(found => found.AttributeText(tool) is { } name ? $"{found.AttributeText(kind)}:{name}" : found.AttributeText(kind) ?? "")
                .Where(text => text.Length > 0));
            var values = Enumerable.Range(0, e.Rule.ValueCount).Select(v => e.Rule[v]).ToArray();
            values[index] = AttributeValue.Bool(evidence.Count > 0);
            var rule = new RuleEvent(e.Rule.Signal, e.Rule.OccurredAt, e.Rule.Actor, values);
            events[i] = e with { Read = e.Read with { Rule = rule }, Evidence = [.. evidence.Distinct(StringComparer.Ordinal)] };
        }

        return events;
    }

    /// <summary>
    /// The merges a counted accepted suggestion of the author's is evidence for: the one it names, or, naming none, the
    /// earliest of the author's merges at or after it (counting, settling or sliced) up to the one it shipped in. Where
    /// the work it went into was merged, not where room for its lines was left: cutting a merge into parts moves no
    /// evidence to other work.
    /// </summary>
    private static HashSet<(string Type, long Seq)> ShippedSuggestions(List<ClassifiedEvent> events)
    {
        var suggestions = events.Where(e => e.Counts && e.ShippedBy is not null && e.Read.Signal.ShippedBy is { Actor: ShippedBy.SameActor, Lines: not null }).ToList();
        var shipping = suggestions.Select(s => s.ShippedBy!.Stored.Type).ToHashSet(StringComparer.Ordinal);
        var merges = events
            .Where(e => shipping.Contains(e.Stored.Type) && (e.Counts || e.Pending || e.Reason == ExclusionReason.Sliced))
            .OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq)
            .ToList();
        var found = new HashSet<(string Type, long Seq)>();
        foreach (var suggestion in suggestions)
        {
            var shipped = suggestion.ShippedBy!;
            var named = suggestion.AttributeText(suggestion.Read.Signal.ShippedBy!.On) is not null;
            var earliest = named ? null : merges.FirstOrDefault(m => m.Stored.Type == shipped.Stored.Type && m.Stored.OccurredAt >= suggestion.Stored.OccurredAt);
            found.Add(earliest is not null && earliest.Stored.OccurredAt <= shipped.Stored.OccurredAt
                ? (earliest.Stored.Type, earliest.Stored.Seq)
                : (shipped.Stored.Type, shipped.Stored.Seq));
        }

        return found;
    }

    /// <summary>The people an outcome's policy names as vouching for it: an attribute, or those of the event that shipped it.</summary>
    private IEnumerable<string> VouchersOf(ReadEvent e, Voices policy, ReadEvent? shippedBy)
    {
        if (policy.From == Voices.FromShippedBy)
        {
            return shippedBy is not null && _signals.TryGetValue(shippedBy.Stored.Type, out var shipping) && shipping.Signal.Voices is { } its && its.From != Voices.FromShippedBy
                ? VouchersOf(shippedBy, its, null)
                : [];
        }

        var index = e.Schema.IndexOf(policy.From);
        return index < 0 ? [] : e.Rule[index].ListValue ?? (e.Rule[index].TextValue is { } one ? [one] : []);
    }

    /// <summary>Over the cap, the earliest events of the UTC day count (or wait to settle) and the rest never will.</summary>
    private List<ClassifiedEvent> ApplyDailyCaps(List<ClassifiedEvent> events)
    {
        var capped = events
            // An outcome still waiting for its shipping event takes no place under the cap: otherwise unshipped work
            // could push shipped work out and change what its merge ships.
            .Where(e => (e.Counts || (e.Pending && (e.Read.Signal.ShippedBy is null || e.ShippedBy is not null))) && _signals[e.Stored.Type].Signal.DailyCap is not null)
            .GroupBy(e => (e.Stored.Type, Day: e.Stored.OccurredAt.UtcDateTime.Date))
            .SelectMany(day => day.OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq).Skip(_signals[day.Key.Type].Signal.DailyCap!.Value))
            .ToHashSet();
        return capped.Count == 0 ? events : [.. events.Select(e => capped.Contains(e) ? e with { Reason = ExclusionReason.DailyCap } : e)];
    }

    /// <summary>A list attribute's strings (people), without bots; the reader ends on the list's end.</summary>
    private static List<string> ReadNames(ref Utf8JsonReader json, IReadOnlySet<string> bots)
    {
        var names = new List<string>();
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            if (json.TokenType == JsonTokenType.String && json.GetString() is { } name && !bots.Contains(name))
            {
                names.Add(name);
            }

            json.Skip();
        }

        return names;
    }

    private sealed class SignalPolicy(SignalDefinition signal, SignalSchema schema, List<(string Name, CompiledPredicate Predicate)> conditions, TimeSpan settlement)
    {
        private readonly byte[][] _names = [.. schema.Attributes.Select(a => Encoding.UTF8.GetBytes(a.Name))];

        public SignalDefinition Signal { get; } = signal;
        public SignalSchema Schema { get; } = schema;
        public List<(string Name, CompiledPredicate Predicate)> Conditions { get; } = conditions;
        public TimeSpan Settlement { get; } = settlement;

        /// <summary>The schema index of the attribute a correction matches on, or -1.</summary>
        public int CorrectionKeyIndex { get; } = signal.CorrectedBy is { } by ? schema.IndexOf(by.On) : -1;

        /// <summary>The schema indexes of the attribute decided by evidence and of the claim its posted value goes to; -1 when there are none.</summary>
        public int AttributionIndex { get; } = signal.Attribution is { } a && schema.IndexOf(a.Claim) >= 0 ? schema.IndexOf(a.Attribute) : -1;

        public int ClaimIndex { get; } = signal.Attribution is { } a ? schema.IndexOf(a.Claim) : -1;

        /// <summary>The schema index of the property name the reader is on, or -1: compared as UTF-8, no string made.</summary>
        public int IndexOf(ref Utf8JsonReader json)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                if (json.ValueTextEquals(_names[i]))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}

/// <summary>
/// An author's own shipping events (their merged pull requests) as outcomes that name none ship in them. An accepted
/// suggestion that names no pull request ships in the earliest of its author's merges, from any source, at or after it
/// and within the policy's limit, that counts or is settling and still has room for its lines: a merge that added 40
/// lines ships 40 accepted lines at most, named or not. Nothing ships in work that does not count (unreviewed,
/// trivial, reverted), so an agent accepting its own edits in a scratch folder ships nothing.
/// </summary>
internal sealed class OwnWork(IReadOnlyList<ClassifiedEvent?> judged)
{
    /// <summary>Per shipping signal, the author's events that count or are settling, in time order, with the lines they have room for (NaN: untouched).</summary>
    private readonly Dictionary<string, List<(ClassifiedEvent Event, double Room)>> _bySignal = new(StringComparer.Ordinal);

    public (string? Reason, ReadEvent? Shipped) Ship(ReadEvent e, ShippedBy ship, DateTimeOffset asOf)
    {
        var merges = MergesOf(ship.Signal);
        var lines = e.AttributeNumber(ship.Lines!);
        var until = e.Stored.OccurredAt + ship.WithinWindow;
        for (var i = FirstAtOrAfter(merges, e.Stored.OccurredAt); i < merges.Count && merges[i].Event.Stored.OccurredAt <= until; i++)
        {
            var (merge, room) = merges[i];
            if (merge.Stored.OccurredAt > asOf)
            {
                break;
            }

            room = double.IsNaN(room) ? LinesThatCount.UpTo(merge.Read, ship.UpTo!) : room;
            if (room < lines)
            {
                merges[i] = (merge, room);
                continue;
            }

            merges[i] = (merge, room - lines);
            return merge.Counts ? (null, merge.Read) : (ExclusionReason.NotSettled, null);
        }

        return until > asOf ? (ExclusionReason.NotSettled, null) : (ExclusionReason.NotMerged, null);
    }

    private List<(ClassifiedEvent Event, double Room)> MergesOf(string signal)
    {
        if (!_bySignal.TryGetValue(signal, out var merges))
        {
            merges = [.. judged.OfType<ClassifiedEvent>()
                .Where(e => e.Stored.Type == signal && (e.Counts || e.Pending))
                .OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq)
                .Select(e => (e, double.NaN))];
            _bySignal[signal] = merges;
        }

        return merges;
    }

    /// <summary>The index of the first merge at or after <paramref name="at"/>: acceptances are many, an author's merges few.</summary>
    private static int FirstAtOrAfter(List<(ClassifiedEvent Event, double Room)> merges, DateTimeOffset at)
    {
        var (low, high) = (0, merges.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = merges[middle].Event.Stored.OccurredAt < at ? (middle + 1, high) : (low, middle);
        }

        return low;
    }
}

/// <summary>
/// The events that may ship an employee's outcomes (the pull requests their approvals and suggestions name) and the
/// evidence that attributes them (<c>ai.evidence</c> naming their merges), found by <see cref="LookupsFor"/> from every
/// source and whoever's they are, with the corrections that apply to them.
/// </summary>
public sealed class ShippingIndex
{
    private readonly Dictionary<(string Signal, string Key), List<ReadEvent>> _byKey;

    private ShippingIndex(Dictionary<(string Signal, string Key), List<ReadEvent>> byKey, CorrectionIndex corrections) =>
        (_byKey, Corrections) = (byKey, corrections);

    /// <summary>The corrections of the events found, and their other reports.</summary>
    public CorrectionIndex Corrections { get; }

    public static ShippingIndex None { get; } = new([], CorrectionIndex.None);

    /// <summary>
    /// What to look up: one lookup per shipping signal, with the keys the outcomes carry; and for outcomes decided by
    /// evidence, the <c>ai.evidence</c> events naming their keys and their merge commits.
    /// </summary>
    public static IReadOnlyList<KeyLookup> LookupsFor(IEnumerable<ReadEvent> events)
    {
        var list = events as IReadOnlyCollection<ReadEvent> ?? [.. events];
        var (evidence, pull, commit, _, _) = BuiltInSignals.Evidence;
        var attributed = list.Where(e => e.Signal.Attribution is not null).ToList();
        return [.. list.Where(e => e.Signal.ShippedBy is not null)
            .Select(e => (Signal: e.Signal.ShippedBy!.Signal, On: e.Signal.ShippedBy!.On, Key: e.AttributeText(e.Signal.ShippedBy!.On)))
            .Concat(attributed.Select(e => (Signal: evidence, On: pull, Key: e.CorrectionKey)))
            .Concat(attributed.Select(e => (Signal: evidence, On: commit, Key: e.AttributeText(BuiltInSignals.MergeFacts.Commit))))
            .Where(x => x.Key is not null)
            .GroupBy(x => (x.Signal, x.On))
            .Select(group => new KeyLookup(group.Key.Signal, group.Key.On, [.. group.Select(x => x.Key!).Distinct(StringComparer.Ordinal)]))];
    }

    /// <param name="answers">Each lookup with the events it found, read by the policy.</param>
    /// <param name="corrections">The corrections of those events.</param>
    public static ShippingIndex From(IEnumerable<(KeyLookup Lookup, IEnumerable<ReadEvent> Found)> answers, CorrectionIndex corrections)
    {
        var byKey = new Dictionary<(string, string), List<ReadEvent>>();
        foreach (var (lookup, found) in answers)
        {
            foreach (var e in found)
            {
                if (e.AttributeText(lookup.Attribute) is { } key)
                {
                    (byKey.TryGetValue((e.Stored.Type, key), out var list) ? list : byKey[(e.Stored.Type, key)] = []).Add(e);
                }
            }
        }

        return new ShippingIndex(byKey, corrections);
    }

    /// <summary>Every report of the shipping event with this key, from any source, in time order.</summary>
    public IReadOnlyList<ReadEvent> Candidates(string signal, string key) =>
        _byKey.TryGetValue((signal, key), out var found) ? found : [];
}
