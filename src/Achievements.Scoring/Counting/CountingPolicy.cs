using System.Text;
using System.Text.Json;
using Achievements.Rules;

namespace Achievements.Scoring;

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
public sealed partial class CountingPolicy
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
