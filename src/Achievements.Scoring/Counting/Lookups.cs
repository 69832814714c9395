namespace Achievements.Scoring;

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
