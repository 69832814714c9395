using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Achievements.Api.Features.Events;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Identities;

/// <summary>
/// An event as a source that names people its own way sends it: the actor and every person an attribute names are
/// identities, to become employee ids once identities map them.
/// </summary>
internal sealed record AttributedEvent
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required Identity Actor { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The attributes that name no one, as the event will carry them.</summary>
    public required JsonObject Attributes { get; init; }

    /// <summary>Attributes naming one person who must be an employee for the event to exist (an approval's <c>author</c>).</summary>
    public Dictionary<string, Identity> People { get; init; } = [];

    /// <summary>
    /// Attributes listing the people who vouch for the work (a merge's <c>reviewers</c>). Only those mapped when the
    /// event is stored are listed: an unmapped account never counts as a voice, or a farmer could approve with
    /// throwaway accounts.
    /// </summary>
    public Dictionary<string, Identity[]> Voices { get; init; } = [];

    [JsonIgnore]
    public IEnumerable<Identity> Required => [Actor, .. People.Values];

    [JsonIgnore]
    public IEnumerable<Identity> Everyone => [.. Required, .. Voices.Values.SelectMany(v => v)];

    /// <summary>The event as ingestion reads it, or null while someone it requires is not an employee.</summary>
    public JsonElement? ToEvent(IReadOnlyDictionary<Identity, string> employees)
    {
        if (Required.Any(identity => !employees.ContainsKey(identity)))
        {
            return null;
        }

        var attributes = (JsonObject)Attributes.DeepClone();
        foreach (var (name, identity) in People)
        {
            attributes[name] = employees[identity];
        }

        foreach (var (name, voices) in Voices)
        {
            attributes[name] = new JsonArray([.. voices.Where(employees.ContainsKey).Select(v => employees[v]).Distinct(StringComparer.Ordinal).Select(id => (JsonNode)id)]);
        }

        var json = new JsonObject
        {
            ["id"] = Id,
            ["type"] = Type,
            ["actor"] = employees[Actor],
            ["occurredAt"] = OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["attributes"] = attributes,
        };
        return JsonSerializer.SerializeToElement(json);
    }
}

/// <summary>What became of one attributed event: stored, held until its people are mapped, a duplicate, or rejected.</summary>
internal sealed record AttributedResult(
    string Type,
    string Id,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public const string Stored = "stored";
    public const string Unmapped = "unmapped";
}

/// <summary>
/// Events whose people no identity maps yet are kept, never lost: held in <c>unmapped_events</c>, not in <c>events</c>,
/// so nothing counts for anyone, and stored (then queued for evaluation) in the transaction that maps the last of them.
/// </summary>
internal static class HeldEvents
{
    private const string Hold = """
        INSERT INTO unmapped_events (source, event_id, event, received_at) VALUES (@Source, @Id, @Event, @Now)
        ON CONFLICT (source, event_id) DO NOTHING
        """;

    private const string HoldFor = """
        INSERT INTO unmapped_event_people (source, event_id, provider, identity_id, login, received_at)
        VALUES (@Source, @EventId, @Provider, @Id, @Login, @Now)
        ON CONFLICT DO NOTHING
        """;

    private static string StoredIds(SqlDialect sql) => $"SELECT event_id FROM events WHERE source = @Source AND event_id {sql.In("@Ids")}";

    private const string WaitingFor = """
        SELECT DISTINCT e.source AS Source, e.event_id AS EventId, e.event AS Event, e.received_at AS ReceivedAt
        FROM unmapped_event_people p JOIN unmapped_events e ON e.source = p.source AND e.event_id = p.event_id
        WHERE p.provider = @Provider AND (p.identity_id = @Id OR (@Login IS NOT NULL AND lower(p.login) = lower(@Login)))
        """;

    private const string Release = "DELETE FROM unmapped_events WHERE source = @Source AND event_id = @EventId";

    private const string ForgetPeople = "DELETE FROM unmapped_event_people WHERE source = @Source AND event_id = @EventId";

    /// <summary>
    /// In the caller's transaction: stores the events whose people are all employees and holds the others, and says
    /// what became of each.
    /// </summary>
    public static async Task<IReadOnlyList<AttributedResult>> AttributeAsync(
        DbConnection connection,
        DbTransaction transaction,
        string source,
        IReadOnlyList<AttributedEvent> events,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var employees = await IdentityMap.ResolveAsync(connection, transaction, events.SelectMany(e => e.Everyone), cancellationToken);
        var ready = events.Select(e => (Event: e, Json: e.ToEvent(employees))).ToList();
        // What became of each stored event, in order: ids may repeat within one export (the second is a duplicate).
        var stored = new Queue<AttributedResult>(await StoreAsync(connection, transaction, source, [.. ready.Where(r => r.Json is not null).Select(r => (r.Event, r.Json!.Value))], now, cancellationToken));

        var alreadyStored = (await connection.QueryAsync<string>(new CommandDefinition(
            StoredIds(SqlDialect.Of(connection)), new { Source = source, Ids = SqlDialect.Of(connection).List(ready.Where(r => r.Json is null).Select(r => r.Event.Id)) }, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var results = new List<AttributedResult>();
        foreach (var (attributed, json) in ready)
        {
            if (json is not null)
            {
                results.Add(stored.Dequeue());
            }
            else if (alreadyStored.Contains(attributed.Id) || !await HoldAsync(connection, transaction, source, attributed, employees, now, cancellationToken))
            {
                results.Add(new AttributedResult(attributed.Type, attributed.Id, EventResult.DuplicateStatus));
            }
            else
            {
                results.Add(new AttributedResult(attributed.Type, attributed.Id, AttributedResult.Unmapped));
            }
        }

        return results;
    }

    /// <summary>
    /// In the caller's transaction, once <paramref name="mapped"/> belong to an employee: stores every held event that
    /// now has all its people (ingestion queues them for evaluation), and returns how many were stored.
    /// </summary>
    public static async Task<int> ReleaseAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Identity> mapped, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var held = new Dictionary<(string Source, string EventId), HeldRow>();
        foreach (var identity in mapped)
        {
            foreach (var row in await connection.QueryAsync<HeldRow>(new CommandDefinition(WaitingFor, identity, transaction, cancellationToken: cancellationToken)))
            {
                held[(row.Source, row.EventId)] = row;
            }
        }

        var released = 0;
        foreach (var group in held.Values.GroupBy(row => row.Source, StringComparer.Ordinal))
        {
            var events = group.Select(row => JsonSerializer.Deserialize<AttributedEvent>(row.Event, StorageJson.Options)!).ToList();
            var employees = await IdentityMap.ResolveAsync(connection, transaction, events.SelectMany(e => e.Everyone), cancellationToken);
            var ready = new List<(AttributedEvent Event, JsonElement Json)>();
            foreach (var (row, attributed) in group.Zip(events))
            {
                var key = new { row.Source, row.EventId };
                if (attributed.ToEvent(employees) is { } json)
                {
                    ready.Add((attributed, json));
                    await connection.ExecuteAsync(new CommandDefinition(Release, key, transaction, cancellationToken: cancellationToken));
                }
                else
                {
                    // Still waiting: for whom is asked again, since a login may have matched where the id did not.
                    await connection.ExecuteAsync(new CommandDefinition(ForgetPeople, key, transaction, cancellationToken: cancellationToken));
                    await HoldForAsync(connection, transaction, row.Source, attributed, employees, row.ReceivedAt, cancellationToken);
                }
            }

            var stored = await StoreAsync(connection, transaction, group.Key, ready, now, cancellationToken);
            released += stored.Count(r => r.Status == AttributedResult.Stored);
        }

        return released;
    }

    /// <summary>Stores the ready events and says what became of each, in their order.</summary>
    private static async Task<AttributedResult[]> StoreAsync(
        DbConnection connection,
        DbTransaction transaction,
        string source,
        List<(AttributedEvent Event, JsonElement Json)> ready,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (ready.Count == 0)
        {
            return [];
        }

        var catalog = await SignalStore.LoadAsync(connection, cancellationToken, transaction);
        var judged = IngestEventsHandler.Judge(catalog, now, [.. ready.Select(r => r.Json)]);
        var results = await IngestEventsHandler.StoreInAsync(connection, transaction, source, catalog, judged, now, cancellationToken);
        return [.. ready.Zip(results).Select(pair => new AttributedResult(
            pair.First.Event.Type,
            pair.First.Event.Id,
            pair.Second.Status == EventResult.AcceptedStatus ? AttributedResult.Stored : pair.Second.Status,
            pair.Second.Errors))];
    }

    private static async Task<bool> HoldAsync(
        DbConnection connection,
        DbTransaction transaction,
        string source,
        AttributedEvent attributed,
        IReadOnlyDictionary<Identity, string> employees,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var row = new { Source = source, attributed.Id, Event = JsonSerializer.Serialize(attributed, StorageJson.Options), Now = now };
        if (await connection.ExecuteAsync(new CommandDefinition(Hold, row, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }

        await HoldForAsync(connection, transaction, source, attributed, employees, now, cancellationToken);
        return true;
    }

    /// <summary>One row per person the held event still waits for: what the admin's list of unmapped identities shows.</summary>
    private static async Task HoldForAsync(
        DbConnection connection,
        DbTransaction transaction,
        string source,
        AttributedEvent attributed,
        IReadOnlyDictionary<Identity, string> employees,
        DateTimeOffset receivedAt,
        CancellationToken cancellationToken)
    {
        foreach (var missing in attributed.Required.Where(identity => !employees.ContainsKey(identity)).Distinct())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                HoldFor, new { Source = source, EventId = attributed.Id, missing.Provider, missing.Id, missing.Login, Now = receivedAt }, transaction, cancellationToken: cancellationToken));
        }
    }

    private sealed record HeldRow
    {
        public required string Source { get; init; }
        public required string EventId { get; init; }
        public required string Event { get; init; }
        public required DateTimeOffset ReceivedAt { get; init; }
    }
}
