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

/// <summary>An event with the policy's verdict: <see cref="Reason"/> is null when it counts.</summary>
public sealed record ClassifiedEvent(ReadEvent Read, string? Reason)
{
    public StoredEvent Stored => Read.Stored;

    public RuleEvent Rule => Read.Rule;

    /// <summary>The signal's kind: outcome, volume or correction.</summary>
    public string Kind => Read.Signal.Kind;

    public string? AttributeText(string name) => Read.AttributeText(name);

    public double AttributeNumber(string name) => Read.AttributeNumber(name);

    public bool Counts => Reason is null;

    public bool Pending => Reason == ExclusionReason.NotSettled;
}

/// <summary>How one signal's events in a window split into counted, pending and excluded-with-reason.</summary>
public sealed record SignalTally(string Type, int Counted, int Pending, IReadOnlyList<ExclusionCount> Excluded);

/// <summary>How many events were excluded for one reason; for a failed qualify condition, its source, so a page can say what it asks.</summary>
public sealed record ExclusionCount(string Reason, int Count, string? Condition);

/// <summary>An employee's events after the policy: what the rules may see, and why the rest may not.</summary>
public sealed class CountedEvents(IReadOnlyList<ClassifiedEvent> all)
{
    // Built on first use; two threads judging one shared instance (the gate's) may both build it, to the same content.
    private Dictionary<RuleEvent, long>? _seqs;

    public IReadOnlyList<ClassifiedEvent> All { get; } = all;

    public EmployeeEvents Counted { get; } = EmployeeEvents.From(all.Where(e => e.Counts).Select(e => e.Rule));

    public SignalTally Tally(string type, TimeSpan? window, DateTimeOffset now)
    {
        var inWindow = All.Where(e => e.Stored.Type == type && e.Stored.OccurredAt <= now && (window is null || e.Stored.OccurredAt > now - window)).ToList();
        return new SignalTally(
            type,
            inWindow.Count(e => e.Counts),
            inWindow.Count(e => e.Pending),
            [.. inWindow.Where(e => !e.Counts && !e.Pending)
                .GroupBy(e => e.Reason!)
                .Select(g => new ExclusionCount(g.Key, g.Count(), g.First().Read.Signal.Qualify.FirstOrDefault(q => q.Name == g.Key)?.Condition))
                .OrderByDescending(x => x.Count)]);
    }

    /// <summary>The stored sequence numbers of counted events the rules reported, each once, in order: an award's evidence.</summary>
    public IReadOnlyList<long> SeqsOf(IEnumerable<RuleEvent> events)
    {
        _seqs ??= All.Where(e => e.Counts).ToDictionary<ClassifiedEvent, RuleEvent, long>(e => e.Rule, e => e.Stored.Seq, ReferenceEqualityComparer.Instance);
        return [.. events.Select(e => _seqs[e]).Distinct().Order()];
    }
}

/// <summary>An event read once into the rule engine's form, with the value a correction would match it on.</summary>
public sealed record ReadEvent(StoredEvent Stored, RuleEvent Rule, SignalDefinition Signal, SignalSchema Schema, string? CorrectionKey)
{
    public CorrectedBy? CorrectedBy => Signal.CorrectedBy;

    public string? AttributeText(string name) => Schema.IndexOf(name) is var i and >= 0 ? Rule[i].TextValue : null;

    public double AttributeNumber(string name) => Schema.IndexOf(name) is var i and >= 0 ? Rule[i].NumberValue ?? 0 : 0;
}

/// <summary>
/// A question for the stored events: which events of <paramref name="Signal"/> carry one of <paramref name="Keys"/> in
/// the string attribute <paramref name="Attribute"/>. Both directions of a correction ask it: evaluation asks for the
/// corrections of an employee's outcomes, ingestion for the outcomes a new correction undoes. The service answers it
/// with one query, the adversarial gate from its events in memory (<see cref="Find"/>).
/// </summary>
public sealed record KeyLookup(string Signal, string Attribute, IReadOnlyList<string> Keys)
{
    /// <summary>The answer from events in memory: what the service's query returns from the events table.</summary>
    public IEnumerable<KeyedEvent> Find(IEnumerable<ReadEvent> events)
    {
        var keys = Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Stored.Type == Signal && e.Schema.IndexOf(Attribute) is var index and >= 0 && e.Rule[index].TextValue is { } key && keys.Contains(key))
            {
                yield return new KeyedEvent(e.Stored.Source, key, e.Stored.Actor);
            }
        }
    }
}

/// <summary>An event found by a <see cref="KeyLookup"/>: where it came from, the key it carries, and whose it is.</summary>
public sealed record KeyedEvent(string Source, string Key, string Actor);

/// <summary>
/// Which of an employee's outcomes were corrected: the correction events that match them, by source and key.
/// A correction removes its outcome for good, whenever it arrives and whoever sent it.
/// </summary>
public sealed class CorrectionIndex
{
    private readonly HashSet<(string Source, string Signal, string Key)> _keys;

    private CorrectionIndex(HashSet<(string Source, string Signal, string Key)> keys) => _keys = keys;

    public static CorrectionIndex None { get; } = new([]);

    public bool Contains(string source, string signal, string key) => _keys.Contains((source, signal, key));

    /// <summary>What to look up to learn which of <paramref name="events"/> were corrected: one lookup per correction signal.</summary>
    public static IReadOnlyList<KeyLookup> LookupsFor(IEnumerable<ReadEvent> events) =>
        [.. events.Where(e => e.CorrectedBy is not null && e.CorrectionKey is not null)
            .GroupBy(e => e.CorrectedBy!)
            .Select(group => new KeyLookup(group.Key.Signal, group.Key.On, [.. group.Select(e => e.CorrectionKey!).Distinct(StringComparer.Ordinal)]))];

    /// <summary>The index from the answers to <see cref="LookupsFor"/>.</summary>
    public static CorrectionIndex From(IEnumerable<(KeyLookup Lookup, IEnumerable<KeyedEvent> Found)> answers) =>
        new([.. answers.SelectMany(answer => answer.Found.Select(found => (found.Source, answer.Lookup.Signal, found.Key)))]);

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
/// The catalog's policy, compiled: qualify conditions, settlement windows, corrections and daily caps.
/// It decides for every event whether it counts; rules only ever see the events that do.
/// </summary>
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

    /// <summary>Judges every event as of <paramref name="asOf"/>: settlement depends on the moment, corrections and caps do not.</summary>
    public CountedEvents Classify(IReadOnlyList<ReadEvent> events, bool isBot, CorrectionIndex corrections, CollusionGroups collusion, DateTimeOffset asOf)
    {
        var classified = events
            .Where(e => e.Stored.OccurredAt <= asOf)
            .Select(e => new ClassifiedEvent(e, isBot ? ExclusionReason.Bot : Judge(_signals[e.Stored.Type], e, corrections, collusion, asOf)))
            .ToList();
        return new CountedEvents(ApplyDailyCaps(classified));
    }

    private static string? Judge(SignalPolicy policy, ReadEvent e, CorrectionIndex corrections, CollusionGroups collusion, DateTimeOffset asOf)
    {
        if (e.CorrectedBy is { } correction
            && e.CorrectionKey is not null
            && corrections.Contains(e.Stored.Source, correction.Signal, e.CorrectionKey))
        {
            return ExclusionReason.Corrected;
        }

        if (e.Stored.Type == BuiltInSignals.Review.Signal && collusion.Colluded(e.Stored.Actor, e.AttributeText(BuiltInSignals.Review.Author)))
        {
            return ExclusionReason.Collusion;
        }

        foreach (var (name, predicate) in policy.Conditions)
        {
            if (!predicate.Test(e.Rule))
            {
                return name;
            }
        }

        return e.Stored.OccurredAt + policy.Settlement > asOf ? ExclusionReason.NotSettled : null;
    }

    /// <summary>Over the cap, the earliest events of the UTC day count (or wait to settle) and the rest never will.</summary>
    private List<ClassifiedEvent> ApplyDailyCaps(List<ClassifiedEvent> events)
    {
        var capped = events
            .Where(e => (e.Counts || e.Pending) && _signals[e.Stored.Type].Signal.DailyCap is not null)
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
