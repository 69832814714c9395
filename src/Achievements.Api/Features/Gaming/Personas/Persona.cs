using System.Text.Json;

namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>An employee a persona brings into a simulated organisation, in the directory's <c>Team</c> (null: a team named after the persona).</summary>
/// <remarks>
/// <c>InDirectory</c>: an authority (an admin, SCIM) put the account in the directory. False for a phantom, a name
/// that appears only in events (as a reviewer and an approval's actor) and that ingestion creates, if at all, as a
/// bare actor: an account that is not a person. <c>Bystander</c>: an honest colleague inside a farming run, who
/// does only genuine work (its events are never farmed); the simulation counts it among the honest people, whom no
/// defence may flag or hold.
/// </remarks>
internal sealed record SimulatedEmployee(string Id, string DisplayName, bool IsBot = false, string? Team = null, bool InDirectory = true, bool Bystander = false);

/// <summary>An event as a source would post it; <see cref="ToJson"/> gives the ingestion wire shape.</summary>
/// <remarks>
/// <c>Farmed</c> says whether the event is the persona's farming rather than work it really did. The gate judges a
/// farming persona twice, with every event and with only the genuine ones: a rule is beaten only when the farmed
/// events raise a tier. It is never on the wire: a source does not say which of its events are gaming.
/// <c>Source</c> is the source that posts it, such as <c>gateway</c> for spend a model gateway measured; null for
/// the run's default source.
/// </remarks>
internal sealed record SimulatedEvent(
    string Id,
    string Type,
    string Actor,
    DateTimeOffset OccurredAt,
    IReadOnlyDictionary<string, object?> Attributes,
    bool Farmed = false,
    string? Source = null)
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
internal sealed record PersonaRun(string Persona, bool Farming, IReadOnlyList<SimulatedEmployee> Employees, IReadOnlyList<SimulatedEvent> Events)
{
    /// <summary>The run's people in the directory.</summary>
    public IEnumerable<SimulatedEmployee> People => Employees.Where(e => e.InDirectory);

    /// <summary>Its honest people: everyone in the directory of an honest run, and a farming run's bystanders.</summary>
    public IEnumerable<SimulatedEmployee> HonestPeople => People.Where(e => !Farming || e.Bystander);
}

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
