using Achievements.Api.Features.Events;
using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;

namespace Achievements.Api.Features.Gaming;

/// <summary>What one persona's employee would hold under a badge: a tier, and whether a detector holds it.</summary>
internal sealed record PersonaVerdict(string Persona, bool Farming, string Employee, string Badge, string Tier, bool Held);

/// <summary>The gate's answer for a set of badges: every tier any persona would reach.</summary>
internal sealed record GateReport(IReadOnlyList<PersonaVerdict> Verdicts)
{
    /// <summary>Farming personas that would hold an active tier: each one is a way to game the badge.</summary>
    public IReadOnlyList<PersonaVerdict> Beaten => [.. Verdicts.Where(v => v.Farming && !v.Held)];
}

/// <summary>
/// Before a rule goes live, it is run against a library of farming personas (and a few honest ones) in memory,
/// through the same ingestion checks, counting policy, evaluation and detectors as real data, under the
/// catalog's current policy. A persona whose awards all end up held has been stopped; one that keeps an
/// active tier has beaten the rule, and publishing is refused.
/// </summary>
/// <remarks>
/// A singleton per app. Generating and judging the library does not depend on the badge, so the judged populations
/// are kept under a key of the day, the persona names and the catalog; a new day or a policy change makes a new key.
/// Each app instance keeps its own (a few MB), so several instances each pay for the first publish of a day.
/// </remarks>
internal sealed class AdversarialGate(IReadOnlyList<IPersona> personas, Microsoft.Extensions.Options.IOptions<DetectionOptions> options)
{
    /// <summary>The library is generated from a fixed seed, so the gate's verdict is the same every time.</summary>
    public const int Seed = 7;

    /// <summary>The source of every event whose persona names none.</summary>
    private const string Source = "gate";

    // The key names the day, the catalog and the personas, everything a population depends on.
    private readonly Lock _cacheLock = new();
    private (string Key, Lazy<IReadOnlyList<Population>> Populations)? _cache;

    /// <summary>Judges the badges against every persona. The personas' judged events are kept between calls for the same day and catalog.</summary>
    public GateReport Run(IReadOnlyList<CompiledBadge> badges, SignalCatalog catalog, DateTimeOffset now)
    {
        // The library is generated up to the start of the day, so one day's runs can be reused across publishes.
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var populations = PopulationsFor(catalog, day);

        var verdicts = new List<PersonaVerdict>();
        foreach (var population in populations)
        {
            foreach (var (employee, events) in population.Counted)
            {
                foreach (var badge in badges)
                {
                    if (badge.TierName(Standings.Of(badge, events, catalog, day).TierRank) is { } tier)
                    {
                        verdicts.Add(new PersonaVerdict(population.Persona.Name, population.Persona.Farming, employee, badge.Key, tier, population.Held.Contains(employee)));
                    }
                }
            }
        }

        return new GateReport(verdicts);
    }

    private IReadOnlyList<Population> PopulationsFor(SignalCatalog catalog, DateTimeOffset day)
    {
        var key = $"{day:O}|{string.Join(',', personas.Select(p => p.Name))}|{System.Text.Json.JsonSerializer.Serialize(catalog.Signals, StorageJson.Options)}";
        Lazy<IReadOnlyList<Population>> populations;
        lock (_cacheLock)
        {
            // Concurrent first calls of the day share one run of the library instead of each generating it.
            if (_cache is not { } cached || cached.Key != key)
            {
                _cache = (key, new Lazy<IReadOnlyList<Population>>(() => Judge(catalog, day)));
            }

            populations = _cache.Value.Populations;
        }

        return populations.Value;
    }

    private List<Population> Judge(SignalCatalog catalog, DateTimeOffset day)
    {
        var policy = CountingPolicy.Compile(catalog);
        var judge = new EventJudge(catalog, day);
        return [.. personas.Select((persona, i) =>
        {
            var run = persona.Generate($"gate{i}", day, 365, new Random(Seed + i));
            var bots = run.Employees.Where(e => e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            var reads = policy.Read(Ingest(run.Events, judge), bots);
            // The same lookups the service runs against the events table, answered from the persona's events.
            var corrections = CorrectionIndex.From(CorrectionIndex.LookupsFor(reads).Select(lookup => (lookup, lookup.Find(reads))));
            var counted = reads.GroupBy(e => e.Stored.Actor, StringComparer.Ordinal)
                .Where(g => !bots.Contains(g.Key))
                .ToDictionary(g => g.Key, g => policy.Classify([.. g], isBot: false, corrections, CollusionGroups.None, day), StringComparer.Ordinal);
            var held = Detectors.All(counted, catalog, day, options.Value).Where(f => f.Holds).SelectMany(f => f.Employees).ToHashSet(StringComparer.Ordinal);
            return new Population(persona, counted, held);
        })];
    }

    /// <summary>One persona's employees with their events judged, and who the detectors would hold.</summary>
    private sealed record Population(IPersona Persona, Dictionary<string, CountedEvents> Counted, HashSet<string> Held);

    /// <summary>
    /// The ingestion checks, in memory, by ingestion's own <see cref="EventJudge"/>: invalid events are rejected and a
    /// repeated id is a duplicate.
    /// </summary>
    private static List<(StoredEvent Event, string Attributes)> Ingest(IEnumerable<SimulatedEvent> events, EventJudge judge)
    {
        var stored = new List<(StoredEvent Event, string Attributes)>();
        var seen = new HashSet<(string Source, string Id)>();
        var errors = new List<EventError>();
        foreach (var (source, incoming) in events.Select(e => (e.Source ?? Source, IncomingEvent.From(e.ToJson()))))
        {
            // Only the verdict matters here; the errors are cleared so that a year of events does not pile them up.
            errors.Clear();
            if (judge.Judge(incoming, errors) && seen.Add((source, incoming.IdText!)))
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
