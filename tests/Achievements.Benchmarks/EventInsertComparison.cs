using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Achievements.Api.Features.Events;
using Achievements.Api.Infrastructure.Storage;
using Microsoft.Data.Sqlite;

namespace Achievements.Benchmarks;

/// <summary>
/// Ingestion's event insert through SQLite's C API against one prepared <see cref="SqliteCommand"/>, on the same
/// batches of 1,000 events in the same run: the C API stays only while it is more than 10% faster.
/// </summary>
/// <remarks>
/// Each way writes its own copy of the service's schema; the two take turns batch by batch (which goes first
/// alternates), and each batch is one transaction, as the handler runs it. Timed: the statement's work for the
/// batch (prepare, then bind and step each event); the commit, the same for both, is measured beside it. Both
/// the elapsed time and the process's CPU time are taken: on a machine shared with other work the elapsed time
/// swings with whoever else holds the cores, the CPU time much less.
/// </remarks>
internal static class EventInsertComparison
{
    private const int Batch = 1_000;

    // Batches each way before any is timed, so that JIT tiering settles first (the SqliteCommand side runs far more managed code).
    private const int WarmUp = 5;

    public static async Task<IReadOnlyList<Figure>> RunAsync(Scale scale, TextWriter log)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = new OrganisationEvents(employees: 500, seed: 3, now).Stream(scale.IngestEvents + (WarmUp * Batch)).ToArray();
        var documents = rows.Chunk(Batch).Select(batch => JsonDocument.Parse(EventRow.Batch(batch))).ToArray();
        try
        {
            var batches = documents.Select(d => d.RootElement.GetProperty("events").EnumerateArray().Select(IncomingEvent.From).ToArray()).ToArray();
            return await CompareAsync(batches, now, log);
        }
        finally
        {
            foreach (var document in documents)
            {
                document.Dispose();
            }
        }
    }

    private static async Task<IReadOnlyList<Figure>> CompareAsync(IncomingEvent[][] batches, DateTimeOffset now, TextWriter log)
    {
        var (nativePath, preparedPath) = (await IngestionScenario.MigratedDatabaseAsync(), await IngestionScenario.MigratedDatabaseAsync());
        try
        {
            using var native = DirectInsert.Open(nativePath);
            using var prepared = DirectInsert.Open(preparedPath);
            var (nativeTimes, preparedTimes) = (new List<Timing>(), new List<Timing>());
            for (var i = 0; i < batches.Length; i++)
            {
                var nativeFirst = i % 2 == 0;
                var first = Write(nativeFirst ? native : prepared, batches[i], nativeFirst, now);
                var second = Write(nativeFirst ? prepared : native, batches[i], !nativeFirst, now);
                if (i >= WarmUp)
                {
                    nativeTimes.Add(nativeFirst ? first : second);
                    preparedTimes.Add(nativeFirst ? second : first);
                }
            }

            var stored = Rows(native);
            if (!stored.SequenceEqual(Rows(prepared)))
            {
                throw new InvalidOperationException("The two inserts stored different rows.");
            }

            var (n, p) = (Summary.Of(nativeTimes), Summary.Of(preparedTimes));
            var (elapsedRatio, cpuRatio) = (n.Elapsed / p.Elapsed, n.Cpu / p.Cpu);
            var text = $"inserting {nativeTimes.Count} batches of {Batch:N0} events into the service's schema, the two ways in turns: "
                + $"the C API (EventInsert) {n}; one prepared SqliteCommand {p}; C API / SqliteCommand {elapsedRatio:0.000} elapsed, {cpuRatio:0.000} CPU; "
                + $"each batch's commit {nativeTimes.Concat(preparedTimes).Average(t => t.Commit):0.00} ms besides; both stored the same {stored.Count:N0} rows";
            log.WriteLine(text);
            PerformanceReport.Note("Ingestion", text);
            return
            [
                new("Ingestion", $"Insert a batch of {Batch:N0} events, elapsed: the C API (EventInsert) vs one prepared SqliteCommand (ms)", n.Elapsed, p.Elapsed, "ms"),
                new("Ingestion", $"Insert a batch of {Batch:N0} events, CPU: the C API (EventInsert) vs one prepared SqliteCommand (ms)", n.Cpu, p.Cpu, "ms",
                    "< 0.909 (C API > 10% faster) to keep it", cpuRatio < 1 / 1.1),
            ];
        }
        finally
        {
            IngestionScenario.Delete(nativePath);
            IngestionScenario.Delete(preparedPath);
        }
    }

    /// <summary>One batch's statement work, elapsed and in CPU time, and its commit, all in ms.</summary>
    private sealed record Timing(double Elapsed, double Cpu, double Commit);

    private sealed record Summary(double Elapsed, double ElapsedMedian, double Cpu)
    {
        public static Summary Of(List<Timing> times) =>
            new(times.Average(t => t.Elapsed), times.Select(t => t.Elapsed).Order().ElementAt(times.Count / 2), times.Average(t => t.Cpu));

        public override string ToString() => $"{Elapsed:0.00} ms per batch elapsed (median {ElapsedMedian:0.00}), {Cpu:0.00} ms CPU";
    }

    /// <summary>One batch in one transaction, as the handler writes it.</summary>
    private static Timing Write(SqliteConnection connection, IncomingEvent[] batch, bool native, DateTimeOffset now)
    {
        using var transaction = connection.BeginTransaction();
        var (start, cpu) = (Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);
        var inserted = native ? InsertNative(connection, batch, now) : InsertPrepared(connection, transaction, batch, now);
        var (stepped, cpuStepped) = (Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);
        transaction.Commit();
        var committed = Stopwatch.GetTimestamp();
        if (inserted != batch.Length)
        {
            throw new InvalidOperationException($"Inserted {inserted} of {batch.Length} events.");
        }

        return new Timing(Ms(stepped - start), (cpuStepped - cpu).TotalMilliseconds, Ms(committed - stepped));
    }

    private static int InsertNative(SqliteConnection connection, IncomingEvent[] batch, DateTimeOffset now)
    {
        using var insert = new IngestEventsHandler.EventInsert(connection, "bench", now);
        return batch.Count(insert.Execute);
    }

    private static int InsertPrepared(SqliteConnection connection, SqliteTransaction transaction, IncomingEvent[] batch, DateTimeOffset now)
    {
        using var insert = new PreparedEventInsert(connection, transaction, "bench", now);
        return batch.Count(insert.Execute);
    }

    private static List<string> Rows(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, event_id, type, actor, occurred_at, received_at, attributes FROM events ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('\u001f', Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)));
        }

        return rows;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// The candidate: ADO.NET's own way to run one statement many times. One command per batch, prepared once, its
    /// parameters kept and given new values per event; the attributes and the timestamp are bound as strings.
    /// </summary>
    private sealed class PreparedEventInsert : IDisposable
    {
        private const string InsertEvent = """
            INSERT INTO events (source, event_id, type, actor, occurred_at, received_at, attributes)
            VALUES (@Source, @EventId, @Type, @Actor, @OccurredAt, @ReceivedAt, @Attributes)
            ON CONFLICT (source, event_id) DO NOTHING
            """;

        private readonly DbCommand _command;
        private readonly DbParameter _eventId;
        private readonly DbParameter _type;
        private readonly DbParameter _actor;
        private readonly DbParameter _occurredAt;
        private readonly DbParameter _attributes;

        public PreparedEventInsert(DbConnection connection, DbTransaction transaction, string source, DateTimeOffset now)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = InsertEvent;
            Add("@Source").Value = source;
            Add("@ReceivedAt").Value = UtcTimestampHandler.ToText(now);
            (_eventId, _type, _actor, _occurredAt, _attributes) = (Add("@EventId"), Add("@Type"), Add("@Actor"), Add("@OccurredAt"), Add("@Attributes"));
            _command.Prepare();
        }

        public bool Execute(IncomingEvent incoming)
        {
            _eventId.Value = incoming.IdText;
            _type.Value = incoming.TypeText;
            _actor.Value = incoming.ActorText;
            _occurredAt.Value = UtcTimestampHandler.ToText(incoming.OccurredAtValue!.Value);
            _attributes.Value = incoming.Attributes.ValueKind == JsonValueKind.Object ? incoming.Attributes.GetRawText() : "{}";
            return _command.ExecuteNonQuery() == 1;
        }

        public void Dispose() => _command.Dispose();

        private DbParameter Add(string name)
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = DbType.String;
            _command.Parameters.Add(parameter);
            return parameter;
        }
    }
}
