using System.Text.Json;

namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>An employee a persona brings into a simulated organisation.</summary>
internal sealed record SimulatedEmployee(string Id, string DisplayName, bool IsBot = false);

/// <summary>An event as a source would post it; <see cref="ToJson"/> gives the ingestion wire shape.</summary>
internal sealed record SimulatedEvent(string Id, string Type, string Actor, DateTimeOffset OccurredAt, IReadOnlyDictionary<string, object?> Attributes)
{
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(new
    {
        id = Id,
        type = Type,
        actor = Actor,
        occurredAt = OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        attributes = Attributes,
    }, Wire);
}

/// <summary>What one persona did: its employees and every event its sources would post, in time order.</summary>
/// <remarks>
/// The first employee is the persona itself (a review ring's first three are its members); the rest are the
/// colleagues it brings, who review its work and, for honest personas, send events of their own.
/// </remarks>
internal sealed record PersonaRun(string Persona, bool Farming, IReadOnlyList<SimulatedEmployee> Employees, IReadOnlyList<SimulatedEvent> Events);

/// <summary>
/// A kind of person, honest or farming, as a generator of a realistic stretch of events. The same inputs
/// (prefix, now, days and the random's seed) always give the same run.
/// </summary>
internal interface IPersona
{
    /// <summary>A short stable name, such as <c>token-burner</c> or <c>honest-strong</c>.</summary>
    string Name { get; }

    /// <summary>Whether this persona tries to earn badges without the work; a farming persona must earn nothing.</summary>
    bool Farming { get; }

    /// <param name="idPrefix">Prefix for every employee id and event id, so that runs never collide.</param>
    /// <param name="now">The end of the run; no event is later than this.</param>
    /// <param name="days">How many days back from <paramref name="now"/> the run covers (at most 365).</param>
    /// <param name="random">The only source of randomness.</param>
    PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random);
}
