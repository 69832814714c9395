using System.Globalization;
using System.Text;
using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Microsoft.Data.Sqlite;

namespace Achievements.Benchmarks;

/// <summary>An event as it is posted and as it is stored: the same row for the API, the ceiling and seeding.</summary>
internal sealed record EventRow(string EventId, string Type, string Actor, DateTimeOffset OccurredAt, string Attributes)
{
    public string ToJson() =>
        $$"""{"id":"{{EventId}}","type":"{{Type}}","actor":"{{Actor}}","occurredAt":"{{OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}","attributes":{{Attributes}}}""";

    public static byte[] Batch(IEnumerable<EventRow> events) =>
        Encoding.UTF8.GetBytes($$"""{"events":[{{string.Join(',', events.Select(e => e.ToJson()))}}]}""");
}

/// <summary>
/// A realistic mix of one organisation's events over the last year: merged pull requests reviewed by colleagues,
/// approvals, suggestions shown and accepted, tokens and prompts. Deterministic for a given seed.
/// </summary>
internal sealed class OrganisationEvents(int employees, int seed, DateTimeOffset now)
{
    private readonly Random _random = new(seed);
    private long _next;

    public static string EmployeeId(int index) => $"emp{index:D5}";

    public IEnumerable<EventRow> ForEmployee(int employee, int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next(employee);
        }
    }

    /// <summary>Events spread round-robin over everyone: what a stream of sources looks like.</summary>
    public IEnumerable<EventRow> Stream(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next(_random.Next(employees));
        }
    }

    /// <summary>
    /// Events in batches of <paramref name="batch"/>, each batch naming <paramref name="batch"/> different employees:
    /// an organisation's sources posting for everyone at once (issue 15's "organisation spread").
    /// </summary>
    public IEnumerable<EventRow> Spread(int count, int batch)
    {
        var order = Enumerable.Range(0, employees).ToArray();
        for (var i = 0; i < count; i++)
        {
            if (i % batch == 0)
            {
                _random.Shuffle(order);
            }

            yield return Next(order[i % batch]);
        }
    }

    private EventRow Next(int employee)
    {
        var id = $"bench-{seed}-{_next++}";
        var actor = EmployeeId(employee);
        // Settled by a margin (the longest settlement is 7 days) but never older than the API accepts (400 days).
        var at = now.AddSeconds(-_random.Next(8 * 86_400, 365 * 86_400));
        var roll = _random.Next(100);
        var (type, attributes) = roll switch
        {
            < 10 => ("pr.merged", PullRequest(employee, id)),
            < 20 => ("review.approved", $$"""{"pr_id":"pr-{{id}}","author":"{{Colleague(employee)}}"}"""),
            < 50 => ("suggestion.shown", Suggestion(id)),
            < 65 => ("suggestion.accepted", Suggestion(id)),
            < 90 => ("tokens.consumed", $$"""{"tokens":{{_random.Next(200, 20_000)}},"model":"large"}"""),
            _ => ("prompt.sent", $$"""{"tokens":{{_random.Next(10, 2_000)}}}"""),
        };
        return new EventRow(id, type, actor, at, attributes);
    }

    private string PullRequest(int employee, string id)
    {
        var reviewer = Colleague(employee);
        return $$"""{"pr_id":"pr-{{id}}","repo":"repo{{_random.Next(20)}}","lines_added":{{_random.Next(1, 400)}},"lines_deleted":{{_random.Next(0, 80)}},"merged_by":"{{reviewer}}","reviewers":["{{reviewer}}"],"ai_assisted":{{(_random.Next(2) == 0 ? "true" : "false")}}}""";
    }

    private string Suggestion(string id) =>
        $$"""{"suggestion_id":"s-{{id}}","lines":{{_random.Next(1, 40)}},"language":"{{(_random.Next(3) switch { 0 => "go", 1 => "csharp", _ => "rust" })}}"}""";

    private string Colleague(int employee) => EmployeeId((employee + 1 + _random.Next(Math.Max(1, employees - 1))) % Math.Max(1, employees));
}

/// <summary>Writes straight into the service's schema with prepared statements: seeding, and ingestion's ceiling.</summary>
internal static class DirectInsert
{
    public const string InsertEvent = """
        INSERT INTO events (source, event_id, type, actor, occurred_at, received_at, attributes)
        VALUES ($source, $event_id, $type, $actor, $occurred_at, $received_at, $attributes)
        ON CONFLICT (source, event_id) DO NOTHING
        """;

    /// <summary>The pragmas the service sets on every connection, and the journal mode its migrations set.</summary>
    public static SqliteConnection Open(string databasePath, string synchronous = "FULL")
    {
        var connection = new SqliteConnection($"Data Source={databasePath}");
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A prepared insert into events; the caller sets the values and executes it once per row.</summary>
    public sealed class EventInserter : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _values;

        public EventInserter(SqliteConnection connection, string source, DateTimeOffset receivedAt)
        {
            _command = connection.CreateCommand();
            _command.CommandText = InsertEvent;
            _values = [.. new[] { "$source", "$event_id", "$type", "$actor", "$occurred_at", "$received_at", "$attributes" }
                .Select(name => _command.Parameters.Add(name, SqliteType.Text))];
            _values[0].Value = source;
            _values[5].Value = UtcTimestampHandler.ToText(receivedAt);
            _command.Prepare();
        }

        public SqliteTransaction? Transaction { set => _command.Transaction = value; }

        public void Insert(EventRow row)
        {
            _values[1].Value = row.EventId;
            _values[2].Value = row.Type;
            _values[3].Value = row.Actor;
            _values[4].Value = UtcTimestampHandler.ToText(row.OccurredAt);
            _values[6].Value = row.Attributes;
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }

    /// <summary>
    /// The organisation's directory, as SCIM provisions it (added_by 'scim'): only people vouch, so reviewers that were
    /// only named by events would leave every merge unvouched and the pass with nothing to grant.
    /// </summary>
    public static void InsertEmployees(SqliteConnection connection, IEnumerable<string> ids, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO employees (id, is_bot, created_at, updated_at, added_by) VALUES ($id, 0, $now, $now, 'scim') ON CONFLICT (id) DO NOTHING";
        var id = command.Parameters.Add("$id", SqliteType.Text);
        command.Parameters.AddWithValue("$now", UtcTimestampHandler.ToText(now));
        command.Prepare();
        foreach (var value in ids)
        {
            id.Value = value;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    internal static string Json(object value) => JsonSerializer.Serialize(value);
}
