using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;

namespace Achievements.Api.Features.Gaming;

/// <summary>
/// What one persona's employee would hold under a badge: the tier with every event the persona writes, the tier its
/// genuine events alone earn (null for none), and whether a detector holds it.
/// </summary>
/// <remarks><c>RaisedByFarming</c>: the tier with every event is above the genuine one.</remarks>
internal sealed record PersonaVerdict(string Persona, bool Farming, string Employee, string Badge, string? Tier, string? GenuineTier, bool Held, bool RaisedByFarming)
{
    /// <summary>Farming that pays: an active tier above what the genuine work earns. A held tier has been stopped.</summary>
    public bool BeatsRule => Farming && RaisedByFarming && !Held;
}

/// <summary>The gate's answer for a set of badges: every tier any persona would reach, with or without its farming.</summary>
internal sealed record GateReport(IReadOnlyList<PersonaVerdict> Verdicts)
{
    /// <summary>Farming personas whose farming would raise an active tier: each one is a way to game the badge.</summary>
    public IReadOnlyList<PersonaVerdict> Beaten => [.. Verdicts.Where(v => v.BeatsRule)];
}

/// <summary>
/// Before a rule goes live, it is run against a library of farming personas (and a few honest ones) in memory,
/// through the same ingestion checks, counting policy, evaluation and detectors as real data, under the
/// catalog's current policy. Every persona marks its events genuine or farmed, and each farming persona's
/// employees are judged twice: with all their events and with the genuine ones alone. A persona beats the rule
/// only if its farmed events raise its tier above what its genuine events alone earn, and a detector does not
/// hold it; then publishing is refused. The genuine work earns what it earns: a farmer who really merged ten
/// reviewed pull requests has not gamed a badge for ten merges.
/// </summary>
/// <remarks>
/// Generating and judging the library does not depend on the badge, so the judged populations are kept in
/// <see cref="GatePopulations"/> under a key of everything they depend on (the day, the personas, the catalog's
/// policies and the detectors' settings); a new day or a policy change makes a new key.
/// </remarks>
internal sealed class AdversarialGate(IReadOnlyList<IPersona> personas, Microsoft.Extensions.Options.IOptions<DetectionOptions> options, GatePopulations populations)
{
    /// <summary>The library is generated from a fixed seed, so the gate's verdict is the same every time.</summary>
    public const int Seed = 7;

    /// <summary>The source of every event whose persona names none.</summary>
    private const string Source = "gate";

    /// <summary>Judges the badges against every persona. The personas' judged events are kept between calls for the same day and catalog.</summary>
    public GateReport Run(IReadOnlyList<CompiledBadge> badges, SignalCatalog catalog, DateTimeOffset now)
    {
        // The library is generated up to the start of the day, so one day's runs can be reused across publishes.
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var judged = PopulationsFor(catalog, day);

        var verdicts = new List<PersonaVerdict>();
        foreach (var population in judged)
        {
            foreach (var employee in population.Counted.Keys.Union(population.Genuine.Keys, StringComparer.Ordinal))
            {
                foreach (var badge in badges)
                {
                    var rank = RankOf(badge, population.Counted, employee, catalog, day);
                    var genuine = ReferenceEquals(population.Counted, population.Genuine) ? rank : RankOf(badge, population.Genuine, employee, catalog, day);
                    if (rank >= 0 || genuine >= 0)
                    {
                        verdicts.Add(new PersonaVerdict(population.Persona.Name, population.Persona.Farming, employee, badge.Key,
                            badge.TierName(rank), badge.TierName(genuine), population.Held.Contains(employee), rank > genuine));
                    }
                }
            }
        }

        return new GateReport(verdicts);
    }

    private static int RankOf(CompiledBadge badge, Dictionary<string, CountedEvents> counted, string employee, SignalCatalog catalog, DateTimeOffset day) =>
        counted.TryGetValue(employee, out var events) ? Standings.Of(badge, events, catalog, day).TierRank : -1;

    private IReadOnlyList<GatePopulation> PopulationsFor(SignalCatalog catalog, DateTimeOffset day)
    {
        // The key names everything a population depends on: the day, the personas, the catalog and the detectors' settings.
        var key = string.Join('|',
            day.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            string.Join(',', personas.Select(p => p.Name)),
            System.Text.Json.JsonSerializer.Serialize(catalog.Signals, StorageJson.Options),
            System.Text.Json.JsonSerializer.Serialize(options.Value, StorageJson.Options));
        return populations.GetOrJudge(key, () => Judge(catalog, day));
    }

    private List<GatePopulation> Judge(SignalCatalog catalog, DateTimeOffset day)
    {
        var counting = new PersonaCounting(catalog, day, Source);
        var runs = personas.Select((persona, i) => (Persona: persona, Run: persona.Generate($"gate{i}", day, 365, new Random(Seed + i)))).ToList();
        // Only the accounts seeding would put in the directory vouch; a persona's phantoms are names in its events.
        var people = runs.SelectMany(r => r.Run.People).Where(e => !e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var judged = runs.Select(r =>
        {
            var bots = r.Run.Employees.Where(e => e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            return (r.Persona, r.Run, Bots: bots, Counted: counting.Count(r.Run.Events, bots, people));
        }).ToList();

        // The detectors see everything every persona did, together, as they would see one organisation in production:
        // independence and output are judged against the organisation's own people, and the library is that
        // organisation. A held employee has been stopped whatever the genuine work alone would earn. Seeding puts a
        // persona's employees on their own team, or one named after the persona (OrganisationSeeding): the same here.
        var everyone = judged.SelectMany(j => j.Counted).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var teams = judged.SelectMany(j => j.Run.Employees.Select(e => (e.Id, Team: (string?)(e.Team ?? j.Run.Persona))))
            .ToDictionary(e => e.Id, e => e.Team, StringComparer.Ordinal);
        var held = Detectors.All(everyone, teams, catalog, day, options.Value).Where(f => f.Holds).SelectMany(f => f.Employees).ToHashSet(StringComparer.Ordinal);
        return [.. judged.Select(j =>
        {
            var genuine = j.Run.Events.Any(e => e.Farmed) ? counting.Count(j.Run.Events.Where(e => !e.Farmed), j.Bots, people) : j.Counted;
            return new GatePopulation(j.Persona, j.Counted, genuine, [.. j.Run.Employees.Select(e => e.Id).Where(held.Contains)]);
        })];
    }

}

/// <summary>
/// One persona's employees with every event judged and with only the genuine ones (the same dictionary when
/// nothing is farmed), and who the detectors would hold.
/// </summary>
internal sealed record GatePopulation(IPersona Persona, Dictionary<string, CountedEvents> Counted, Dictionary<string, CountedEvents> Genuine, HashSet<string> Held);

/// <summary>
/// The gate's judged persona populations, kept under a key of everything they depend on, so that a day's publishes and
/// previews judge the library once. A singleton of the app; anything holding the same key may share one (the tests do,
/// across apps, since every app of theirs runs on the same day and, mostly, the same catalog).
/// </summary>
/// <remarks>
/// A few keys are kept, the most recently used, because an admin who changes a policy, previews, and changes it back
/// should not pay twice; each key's population is a few MB. Concurrent first calls for a key share one judging.
/// </remarks>
internal sealed class GatePopulations
{
    /// <summary>How many keys are kept.</summary>
    public const int Capacity = 4;

    private readonly Lock _lock = new();
    private readonly LinkedList<(string Key, Lazy<IReadOnlyList<GatePopulation>> Populations)> _recent = new();

    public IReadOnlyList<GatePopulation> GetOrJudge(string key, Func<IReadOnlyList<GatePopulation>> judge)
    {
        Lazy<IReadOnlyList<GatePopulation>> populations;
        lock (_lock)
        {
            var node = _recent.First;
            while (node is not null && node.Value.Key != key)
            {
                node = node.Next;
            }

            if (node is null)
            {
                node = new LinkedListNode<(string, Lazy<IReadOnlyList<GatePopulation>>)>((key, new Lazy<IReadOnlyList<GatePopulation>>(judge)));
                if (_recent.Count == Capacity)
                {
                    _recent.RemoveLast();
                }
            }
            else
            {
                _recent.Remove(node);
            }

            _recent.AddFirst(node);
            populations = node.Value.Populations;
        }

        return populations.Value;
    }
}
