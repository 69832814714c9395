using Achievements.Api.Features.Events;
using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Features.Gaming;

/// <summary>
/// Persona events counted in memory the way the service counts stored ones: ingestion's own checks (an invalid
/// event is rejected, a repeated id from one source is a duplicate), then the counting policy with its corrections.
/// The adversarial gate and the simulation's report of genuine work both count through it, so neither can drift
/// from what evaluation would decide.
/// </summary>
internal sealed class PersonaCounting(SignalCatalog catalog, DateTimeOffset now, string defaultSource)
{
    private readonly CountingPolicy _policy = CountingPolicy.Compile(catalog);
    private readonly EventJudge _judge = new(catalog, now);

    /// <summary>
    /// Each employee's events (bots' aside: they never count) as of now, judged by the policy; only
    /// <paramref name="people"/> (the accounts put in the directory) vouch, as in the service.
    /// </summary>
    public Dictionary<string, CountedEvents> Count(IEnumerable<SimulatedEvent> events, IReadOnlySet<string> bots, IReadOnlySet<string> people)
    {
        var voices = IndependentVoices.Everyone.WithPeople(people);
        var reads = _policy.Read(Ingest(events), bots);
        // The same lookups the service runs against the events table, answered from these events.
        var corrections = CorrectionIndex.From(CorrectionIndex.LookupsFor(reads).Select(lookup => (lookup, lookup.Find(reads))));
        var shipping = ShippingIndex.From(ShippingIndex.LookupsFor(reads).Select(lookup => (lookup, lookup.Matching(reads))), corrections);
        return reads.GroupBy(e => e.Stored.Actor, StringComparer.Ordinal)
            .Where(g => !bots.Contains(g.Key))
            .ToDictionary(g => g.Key, g => _policy.Classify([.. g], isBot: false, corrections, CollusionGroups.None, shipping, voices, now), StringComparer.Ordinal);
    }

    private List<(StoredEvent Event, string Attributes)> Ingest(IEnumerable<SimulatedEvent> events)
    {
        var stored = new List<(StoredEvent Event, string Attributes)>();
        var seen = new HashSet<(string Source, string Id)>();
        var errors = new List<EventError>();
        foreach (var (source, incoming) in events.Select(e => (e.Source ?? defaultSource, IncomingEvent.From(e.ToJson()))))
        {
            // Only the verdict matters here; the errors are cleared so that a year of events does not pile them up.
            errors.Clear();
            if (_judge.Judge(incoming, errors) && seen.Add((source, incoming.IdText!)))
            {
                stored.Add((new StoredEvent
                {
                    Seq = stored.Count + 1,
                    Source = source,
                    Type = incoming.TypeText!,
                    Actor = incoming.ActorText!,
                    OccurredAt = incoming.OccurredAtValue!.Value,
                }, incoming.Attributes.GetRawText()));
            }
        }

        return [.. stored.OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.Event.Seq)];
    }
}
