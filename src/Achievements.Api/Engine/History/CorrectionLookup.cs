using System.Data.Common;
using System.Text;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Engine.History;

/// <summary>
/// The one way the service answers a <see cref="KeyLookup"/> from the events table: which events of a signal carry
/// one of the given keys. Evaluation asks it for the corrections of an employee's outcomes and for every report of
/// them from any source (the first counts, see <see cref="CountingPolicy"/>); ingestion for the
/// outcomes that new corrections undo (so that their authors are evaluated again); evaluation again for the pull
/// requests that ship an employee's approvals and suggestions. One statement per lookup,
/// whatever the number of keys; the adversarial gate answers the same lookups from its events in memory.
/// </summary>
internal static class CorrectionLookup
{
    public static async Task<IReadOnlyList<KeyedEvent>> FindAsync(DbConnection connection, DbTransaction? transaction, KeyLookup lookup, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Source, string Key, string Actor, long Seq)>(new CommandDefinition(
            KeysSql(SqlDialect.Of(connection), lookup), new { lookup.Signal, Keys = SqlDialect.Of(connection).List(lookup.Keys) }, transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new KeyedEvent(row.Source, row.Key, row.Actor, row.Seq))];
    }

    /// <summary>
    /// A lookup's keyed events. The attribute is a validated name, so it is written into the SQL where an expression
    /// index can serve it; the keys go in as one list parameter (<see cref="SqlDialect.In"/>), so the statement's text is the same for any number of them.
    /// </summary>
    internal static string KeysSql(SqlDialect sql, KeyLookup lookup) => $"""
        SELECT source AS Source, {sql.JsonText("attributes", lookup.Attribute)} AS Key, actor AS Actor, seq AS Seq
        FROM events
        {Matching(sql, lookup)}
        """;

    /// <summary>
    /// A lookup's whole events. Unordered: an ORDER BY occurred_at makes SQLite walk every event of the signal in
    /// time order through ix_events_type_time instead of seeking the keys in the expression index.
    /// </summary>
    internal static string EventsSql(SqlDialect sql, KeyLookup lookup) => $"""
        SELECT seq AS Seq, source AS Source, type AS Type, actor AS Actor, occurred_at AS OccurredAt, CAST(attributes AS TEXT) AS Attributes
        FROM events
        {Matching(sql, lookup)}
        """;

    /// <summary>The one WHERE clause of a lookup, for both its answers; bound with <c>@Signal</c> and <c>@Keys</c>.</summary>
    private static string Matching(SqlDialect sql, KeyLookup lookup) =>
        $"WHERE type = @Signal AND {sql.JsonText("attributes", lookup.Attribute)} {sql.In("@Keys")}";

    /// <summary>
    /// The events that may ship <paramref name="events"/>' outcomes (the pull requests their approvals and suggestions
    /// name, whoever's they are), read by the policy, with the corrections that apply to them.
    /// </summary>
    public static async Task<ShippingIndex> ShippingOfAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<ReadEvent> events, CountingPolicy policy, IReadOnlySet<string> bots, CancellationToken cancellationToken)
    {
        var answers = new List<(KeyLookup, IEnumerable<ReadEvent>)>();
        foreach (var lookup in ShippingIndex.LookupsFor(events))
        {
            // The same question as a correction's, answered with whole events: shipping is judged by its own policy.
            // Sorted here rather than in SQL, so that the keys are sought in their index (EventsSql).
            var rows = await connection.QueryAsync<ShippingRow>(new CommandDefinition(
                EventsSql(SqlDialect.Of(connection), lookup), new { lookup.Signal, Keys = SqlDialect.Of(connection).List(lookup.Keys) }, transaction, cancellationToken: cancellationToken));
            answers.Add((lookup, [.. rows.OrderBy(row => row.OccurredAt).ThenBy(row => row.Seq)
                .Select(row => policy.Read(row.Stored, Encoding.UTF8.GetBytes(row.Attributes), bots)).OfType<ReadEvent>()]));
        }

        var found = answers.SelectMany(a => a.Item2).ToList();
        return ShippingIndex.From(answers, await CorrectionsOfAsync(connection, transaction, found, cancellationToken));
    }

    private sealed record ShippingRow
    {
        public long Seq { get; init; }
        public required string Source { get; init; }
        public required string Type { get; init; }
        public required string Actor { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public required string Attributes { get; init; }

        public StoredEvent Stored => new() { Seq = Seq, Source = Source, Type = Type, Actor = Actor, OccurredAt = OccurredAt };
    }

    /// <summary>The corrections that apply to <paramref name="events"/>, whenever they arrived and whoever sent them, and every report of the same outcomes.</summary>
    public static async Task<CorrectionIndex> CorrectionsOfAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<ReadEvent> events, CancellationToken cancellationToken)
    {
        var answers = new List<(KeyLookup, IEnumerable<KeyedEvent>)>();
        foreach (var lookup in CorrectionIndex.LookupsFor(events))
        {
            answers.Add((lookup, await FindAsync(connection, transaction, lookup, cancellationToken)));
        }

        return CorrectionIndex.From(answers);
    }
}
