using System.Data.Common;
using System.Text;
using Achievements.Api.Infrastructure.Storage;
using SQLitePCL;

namespace Achievements.Api.Engine.History;

/// <summary>
/// Reads one employee's events in order straight from SQLite's row buffers, on the caller's connection and inside
/// its transaction. At a year of events per employee this read is most of an evaluation: through Dapper, a
/// UTF-16 string per column and a JSON document per event it cost five times the bare read, so the attributes
/// go from SQLite's UTF-8 to the policy's forward-only JSON reader without a copy, timestamps are parsed from
/// their bytes, and event ids are not read at all. One of the two places the service speaks SQLite's C API, with ingestion's event insert (decision 0007).
/// On PostgreSQL the same query runs through ADO.NET (decision 0014).
/// </summary>
internal static class HistoryReader
{
    private const string SelectEvents = """
        SELECT seq, source, type, occurred_at, attributes
        FROM events
        WHERE actor = ?1
        ORDER BY occurred_at, seq
        """;

    // PostgreSQL's parameters are named; the columns and their order are SelectEvents'.
    private const string SelectEventsPostgres = """
        SELECT seq, source, type, occurred_at, attributes
        FROM events
        WHERE actor = @Actor
        ORDER BY occurred_at, seq
        """;

    /// <summary>One employee's events in order, read by <paramref name="policy"/>, on the caller's connection and in its transaction.</summary>
    public static async ValueTask<List<ReadEvent>> ReadAsync(
        DbConnection connection, DbTransaction? transaction, string employeeId, CountingPolicy policy, IReadOnlySet<string> bots, CancellationToken cancellationToken) =>
        SqlDialect.Of(connection).IsSqlite
            ? Read(connection, employeeId, policy, bots)
            : await ReadThroughAdoAsync(connection, transaction, employeeId, policy, bots, cancellationToken);

    /// <summary>
    /// The same read through ADO.NET, for PostgreSQL: no C API to borrow buffers from, so each row's attributes are
    /// encoded to UTF-8 once for the policy's reader. Sources and types still become one string each.
    /// </summary>
    private static async Task<List<ReadEvent>> ReadThroughAdoAsync(
        DbConnection connection, DbTransaction? transaction, string employeeId, CountingPolicy policy, IReadOnlySet<string> bots, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = SelectEventsPostgres;
        command.Transaction = transaction;
        var actor = command.CreateParameter();
        actor.ParameterName = "Actor";
        actor.Value = employeeId;
        command.Parameters.Add(actor);

        var events = new List<ReadEvent>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var type = Intern(names, reader.GetString(2));
            if (!policy.Reads(type))
            {
                continue;
            }

            var stored = new StoredEvent
            {
                Seq = reader.GetInt64(0),
                Source = Intern(names, reader.GetString(1)),
                Type = type,
                Actor = employeeId,
                OccurredAt = UtcTimestampHandler.FromText(reader.GetString(3)),
            };
            events.Add(policy.Read(stored, Encoding.UTF8.GetBytes(reader.GetString(4)), bots)!);
        }

        return events;
    }

    private static string Intern(Dictionary<string, string> names, string name)
    {
        if (names.TryGetValue(name, out var known))
        {
            return known;
        }

        names.Add(name, name);
        return name;
    }

    /// <summary>The read through SQLite's C API (see the class's summary); it runs in the connection's open transaction.</summary>
    public static List<ReadEvent> Read(DbConnection connection, string employeeId, CountingPolicy policy, IReadOnlySet<string> bots)
    {
        var db = SqliteNative.HandleOf(connection);
        SqliteNative.Check(raw.sqlite3_prepare_v2(db, SelectEvents, out var statement), db);
        using (statement)
        {
            SqliteNative.Check(raw.sqlite3_bind_text(statement, 1, employeeId), db);
            var events = new List<ReadEvent>();
            var names = new Names();
            int step;
            while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var type = names.Get(raw.sqlite3_column_blob(statement, 2));
                if (!policy.Reads(type))
                {
                    continue;
                }

                var stored = new StoredEvent
                {
                    Seq = raw.sqlite3_column_int64(statement, 0),
                    Source = names.Get(raw.sqlite3_column_blob(statement, 1)),
                    Type = type,
                    Actor = employeeId,
                    OccurredAt = UtcTimestampHandler.FromUtf8(raw.sqlite3_column_blob(statement, 3)),
                };
                events.Add(policy.Read(stored, raw.sqlite3_column_blob(statement, 4), bots)!);
            }

            SqliteNative.Check(step, db);
            return events;
        }
    }

    /// <summary>Sources and types repeat on every row: one string each for the history's lifetime, found by their bytes.</summary>
    private sealed class Names
    {
        private readonly List<(byte[] Utf8, string Name)> _known = [];

        public string Get(ReadOnlySpan<byte> utf8)
        {
            foreach (var (known, name) in _known)
            {
                if (utf8.SequenceEqual(known))
                {
                    return name;
                }
            }

            var added = Encoding.UTF8.GetString(utf8);
            _known.Add((utf8.ToArray(), added));
            return added;
        }
    }
}
