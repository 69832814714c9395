using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Achievements.Api.Features.History;

/// <summary>
/// The one way the service answers a <see cref="KeyLookup"/> from the events table: which events of a signal carry
/// one of the given keys. Evaluation asks it for the corrections of an employee's outcomes; ingestion for the
/// outcomes that new corrections undo (so that their authors are evaluated again). One statement per lookup,
/// whatever the number of keys; the adversarial gate answers the same lookups from its events in memory.
/// </summary>
internal static class CorrectionLookup
{
    public static async Task<IReadOnlyList<KeyedEvent>> FindAsync(DbConnection connection, DbTransaction? transaction, KeyLookup lookup, CancellationToken cancellationToken)
    {
        // The attribute is a validated name, so it is written into the SQL where an expression index can serve it;
        // the keys go in as one JSON array, so the statement's text is the same for any number of them.
        var sql = $"""
            SELECT source AS Source, json_extract(attributes, '$.{lookup.Attribute}') AS Key, actor AS Actor
            FROM events
            WHERE type = @Signal AND json_extract(attributes, '$.{lookup.Attribute}') IN (SELECT value FROM json_each(@Keys))
            """;
        var rows = await connection.QueryAsync<(string Source, string Key, string Actor)>(new CommandDefinition(
            sql, new { lookup.Signal, Keys = JsonSerializer.Serialize(lookup.Keys) }, transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new KeyedEvent(row.Source, row.Key, row.Actor))];
    }

    /// <summary>The corrections that apply to <paramref name="events"/>, whenever they arrived and whoever sent them.</summary>
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
