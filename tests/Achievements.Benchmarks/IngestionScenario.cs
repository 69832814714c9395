using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Events;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Mediator;
using Npgsql;

namespace Achievements.Benchmarks;

/// <summary>
/// Ingestion against the ceiling of the same store, with the background evaluation worker running as in production,
/// in two shapes: batches over 500 employees (each naming about 430 of them), and at organisation spread, each batch
/// of 1,000 naming 1,000 different employees of 10,000 (issue 15). The SQLite ceiling inserts the same rows into the
/// same schema (the service's own migrations) through Microsoft.Data.Sqlite with one prepared statement, under the
/// service's pragmas (journal_mode=WAL, synchronous=FULL); the PostgreSQL ceiling sends the same rows into the same
/// schema as one prepared NpgsqlBatch a transaction, on the same durable cluster (fsync and synchronous_commit on).
/// Anything less durable would be an unfair ceiling.
/// </summary>
internal static class IngestionScenario
{
    private const int Batch = 1_000;
    private const int SingleClients = 16;

    private static readonly Shape[] Shapes =
    [
        new("500 employees", 500, Spread: false),
        new("1,000 different employees of 10,000 a batch", 10_000, Spread: true),
    ];

    /// <summary>Who a run's events name: a few hundred people again and again, or a different thousand every batch.</summary>
    private sealed record Shape(string Name, int Employees, bool Spread)
    {
        public EventRow[] Events(int seed, int count, DateTimeOffset now)
        {
            var generator = new OrganisationEvents(Employees, seed, now);
            return [.. Spread ? generator.Spread(count, Batch) : generator.Stream(count)];
        }
    }

    public static async Task<IReadOnlyList<Figure>> RunAsync(Scale scale, TextWriter log)
    {
        var figures = new List<Figure>();
        foreach (var store in new[] { Store.Sqlite, Store.Postgres })
        {
            if (store == Store.Postgres && PostgresServer.Shared is null)
            {
                log.WriteLine(PostgresServer.Missing);
                PerformanceReport.Note("Ingestion", PostgresServer.Missing);
                continue;
            }

            foreach (var shape in Shapes)
            {
                figures.Add(await BatchesAsync(store, shape, scale, log));
            }

            figures.AddRange(await SinglesAsync(store, scale, log));
        }

        return figures;
    }

    private static async Task<Figure> BatchesAsync(Store store, Shape shape, Scale scale, TextWriter log)
    {
        var now = DateTimeOffset.UtcNow;
        var events = shape.Events(seed: 1, scale.IngestEvents, now);

        EventRow[] warmUp;
        TimeSpan elapsed;
        string state, breakdown;
        await using (var host = await ServiceHost.StartAsync(new HostOptions(store, Worker: true)))
        {
            using var source = host.Client(await host.CreateSourceKeyAsync());
            // The ceiling starts from the same table: the warm-up's rows, untimed, then the measured ones. Index inserts
            // slow down as the table grows, so a ceiling on an emptier table would be a ceiling on an easier job.
            warmUp = await WarmUpAsync(source, shape, now);
            var batches = events.Chunk(Batch).Select(EventRow.Batch).ToArray();
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                await PostAsync(source, batch, expectedAccepted: -1);
            }

            elapsed = clock.Elapsed;
            state = await WorkerStateAsync(host);
            breakdown = await BreakdownAsync(host, shape);
        }

        // With the service stopped, so that its worker does not compete with the ceiling.
        var ceiling = await CeilingAsync(store, warmUp, events);
        var batchCount = (events.Length + Batch - 1) / Batch;
        var (ours, best) = (events.Length / elapsed.TotalSeconds, events.Length / ceiling.TotalSeconds);
        var named = events.Chunk(Batch).Average(b => b.Select(e => e.Actor).Distinct().Count());
        log.WriteLine($"{store}, {shape.Name}: ours {ours:N0} events/s through POST /api/v1/events with the worker running; ceiling {best:N0} events/s in batches of {Batch}");
        PerformanceReport.Note("Ingestion", $"{store}, {shape.Name} (each batch names {named:N0} employees), worker running: per batch of 1,000 through HTTP {elapsed.TotalMilliseconds / batchCount:0.0} ms; "
            + $"the ceiling's transaction of 1,000 rows {ceiling.TotalMilliseconds / batchCount:0.0} ms, after the same {warmUp.Length:N0} warm-up rows; {state}; {breakdown}");
        return new("Ingestion", $"{store}: batches of {Batch}, {shape.Name}, worker running (events/s), {events.Length:N0} events", ours, best, "events/s", "≥ 0.5", ours / best >= 0.5);
    }

    /// <summary>
    /// Batches like the measured ones, untimed, for longer than the worker's interval (2 s): the worker's first pass
    /// finds the queue empty and sleeps, so without this a short run would measure ingestion without it.
    /// </summary>
    private static async Task<EventRow[]> WarmUpAsync(HttpClient source, Shape shape, DateTimeOffset now)
    {
        var clock = Stopwatch.StartNew();
        var generator = new OrganisationEvents(shape.Employees, seed: 13, now);
        var posted = new List<EventRow>();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            var batch = (shape.Spread ? generator.Spread(Batch, Batch) : generator.Stream(Batch)).ToArray();
            await PostAsync(source, EventRow.Batch(batch), expectedAccepted: -1);
            posted.AddRange(batch);
        }

        return [.. posted];
    }

    private static async Task<IReadOnlyList<Figure>> SinglesAsync(Store store, Scale scale, TextWriter log)
    {
        var singles = new OrganisationEvents(10_000, seed: 2, DateTimeOffset.UtcNow).Stream(scale.SinglePosts).ToArray();
        var ceiling = await CeilingSinglesAsync(store, singles);
        await using var host = await ServiceHost.StartAsync(new HostOptions(store, Worker: true));
        using var source = host.Client(await host.CreateSourceKeyAsync());
        var bodies = singles.Select(e => EventRow.Batch([e])).ToArray();
        await WarmUpAsync(source, Shapes[1], DateTimeOffset.UtcNow);
        var posted = await LoadDriver.RunAsync(SingleClients, i => PostAsync(source, bodies[i], expectedAccepted: 1), total: bodies.Length);
        var writers = store == Store.Sqlite ? "one writer (SQLite has one at a time)" : $"{SingleClients} writers";
        log.WriteLine($"{store}: ours {posted.PerSecond:N0} single events/s from {SingleClients} clients, p50 {posted.P50Ms:0.0} ms, p99 {posted.P99Ms:0.0} ms; "
            + $"ceiling, one row a transaction, {writers}: {ceiling.PerSecond:N0} events/s, p50 {ceiling.P50Ms:0.00} ms, p99 {ceiling.P99Ms:0.00} ms");
        return
        [
            new("Ingestion", $"{store}: single events, {SingleClients} clients, worker running (events/s); ceiling: one row a transaction, {writers}", posted.PerSecond, ceiling.PerSecond, "events/s"),
            new("Ingestion", $"{store}: single events p50 latency; ceiling: one commit", posted.P50Ms, ceiling.P50Ms, "ms"),
            new("Ingestion", $"{store}: single events p99 latency; ceiling: one commit", posted.P99Ms, ceiling.P99Ms, "ms"),
        ];
    }

    /// <summary>How far behind the worker was when the batches stopped: what the throughput left to evaluate.</summary>
    private static async Task<string> WorkerStateAsync(ServiceHost host)
    {
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        var queued = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM evaluation_queue");
        return $"{queued:N0} employees still queued for evaluation when the batches stopped";
    }

    private static async Task PostAsync(HttpClient client, byte[] body, int expectedAccepted)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/api/v1/events", content);
        var text = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(text);
        var accepted = json.RootElement.GetProperty("accepted").GetInt32();
        var rejected = json.RootElement.GetProperty("rejected").GetInt32();
        if (rejected > 0 || (expectedAccepted >= 0 && accepted != expectedAccepted))
        {
            throw new InvalidOperationException($"Ingestion did not accept the batch as expected: {text[..Math.Min(600, text.Length)]}");
        }
    }

    /// <summary>
    /// One batch of 1,000, in-process, after a batch to warm up: loading the catalog, reading and judging the events
    /// as the handler does, the whole <see cref="IngestEvents"/> handler (which judges them again, being the real
    /// thing), and the handler's statements besides the insert, timed as it runs them in a transaction rolled back.
    /// </summary>
    private static async Task<string> BreakdownAsync(ServiceHost host, Shape shape, int batches = 5)
    {
        var all = shape.Events(seed: 5, (batches + 2) * Batch, DateTimeOffset.UtcNow).Chunk(Batch).ToArray();
        long load = 0, judge = 0, handler = 0;
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        for (var b = -1; b < batches; b++)
        {
            using var document = JsonDocument.Parse(EventRow.Batch(all[b + 1]));
            var events = document.RootElement.GetProperty("events").EnumerateArray().ToList();
            var start = Stopwatch.GetTimestamp();
            var catalog = await SignalStore.LoadAsync(connection, CancellationToken.None);
            var loaded = Stopwatch.GetTimestamp();
            var judgement = new EventJudge(catalog, DateTimeOffset.UtcNow);
            var errors = new List<EventError>();
            foreach (var json in events)
            {
                judgement.Judge(IncomingEvent.From(json), errors);
            }

            var judged = Stopwatch.GetTimestamp();
            await using var scope = host.App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new IngestEvents("breakdown", events));
            if (b >= 0)
            {
                load += loaded - start;
                judge += judged - loaded;
                handler += Stopwatch.GetTimestamp() - judged;
            }
        }

        var actors = all[^1].Select(r => r.Actor).ToList();
        await using var transaction = await connection.BeginTransactionAsync();
        var begin = Stopwatch.GetTimestamp();
        await IngestEventsHandler.EnsureEmployeesAsync(connection, transaction, actors, DateTimeOffset.UtcNow, CancellationToken.None);
        var ensured = Stopwatch.GetTimestamp();
        await EvaluationQueue.EnqueueAsync(connection, transaction, actors, DateTimeOffset.UtcNow, CancellationToken.None);
        var queued = Stopwatch.GetTimestamp();
        await transaction.RollbackAsync();
        return $"per batch of 1,000, in-process: load the catalog {Ms(load) / batches:0.0} ms, read + judge the events {Ms(judge) / batches:0.0} ms; "
            + $"the whole IngestEvents handler {Ms(handler) / batches:0.0} ms; inside it, ensuring {actors.Distinct().Count()} employees in one statement {Ms(ensured - begin):0.0} ms, "
            + $"queueing them (EvaluationQueue, one statement) {Ms(queued - ensured):0.0} ms";
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>A database with the service's schema, migrated by the service itself, then left to us.</summary>
    internal static async Task<string> MigratedDatabaseAsync()
    {
        var host = await ServiceHost.StartAsync();
        var copy = Path.Combine(Path.GetTempPath(), $"achievements-ceiling-{Guid.NewGuid():N}.db");
        await using (var connection = DirectInsert.Open(host.DatabasePath))
        {
            DirectInsert.Execute(connection, $"VACUUM INTO '{copy}'");
        }

        await host.DisposeAsync();
        return copy;
    }

    /// <summary>The time to insert <paramref name="events"/> in transactions of <see cref="Batch"/>, after <paramref name="warmUp"/> untimed.</summary>
    private static async Task<TimeSpan> CeilingAsync(Store store, EventRow[] warmUp, EventRow[] events)
    {
        if (store == Store.Postgres)
        {
            return await PostgresCeilingAsync(warmUp, events);
        }

        var path = await MigratedDatabaseAsync();
        try
        {
            using var connection = DirectInsert.Open(path);
            using var insert = new DirectInsert.EventInserter(connection, "bench", DateTimeOffset.UtcNow);
            void Write(EventRow[] chunk)
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                foreach (var row in chunk)
                {
                    insert.Insert(row);
                }

                transaction.Commit();
            }

            Write(warmUp);
            var clock = Stopwatch.StartNew();
            foreach (var chunk in events.Chunk(Batch))
            {
                Write(chunk);
            }

            return clock.Elapsed;
        }
        finally
        {
            Delete(path);
        }
    }

    private static async Task<TimeSpan> PostgresCeilingAsync(EventRow[] warmUp, EventRow[] events)
    {
        var (database, connectionString) = await MigratedPostgresDatabaseAsync();
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var connection = await dataSource.OpenConnectionAsync();
            var receivedAt = UtcTimestampHandler.ToText(DateTimeOffset.UtcNow);
            async Task WriteAsync(EventRow[] chunk)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var row in chunk)
                {
                    batch.BatchCommands.Add(PostgresInsert(row, receivedAt));
                }

                await batch.PrepareAsync();
                await batch.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }

            await WriteAsync(warmUp);
            var clock = Stopwatch.StartNew();
            foreach (var chunk in events.Chunk(Batch))
            {
                await WriteAsync(chunk);
            }

            return clock.Elapsed;
        }
        finally
        {
            PostgresServer.Shared!.DropDatabase(database);
        }
    }

    private static NpgsqlBatchCommand PostgresInsert(EventRow row, string receivedAt) => new(PostgresInsertEvent)
    {
        Parameters =
        {
            new NpgsqlParameter<string> { TypedValue = "bench" },
            new NpgsqlParameter<string> { TypedValue = row.EventId },
            new NpgsqlParameter<string> { TypedValue = row.Type },
            new NpgsqlParameter<string> { TypedValue = row.Actor },
            new NpgsqlParameter<string> { TypedValue = UtcTimestampHandler.ToText(row.OccurredAt) },
            new NpgsqlParameter<string> { TypedValue = receivedAt },
            new NpgsqlParameter<string> { TypedValue = row.Attributes },
        },
    };

    private const string PostgresInsertEvent = """
        INSERT INTO events (source, event_id, type, actor, occurred_at, received_at, attributes)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (source, event_id) DO NOTHING
        """;

    /// <summary>
    /// One row a transaction. SQLite has one writer at a time, so one writer committing row by row is its ceiling;
    /// PostgreSQL commits concurrent transactions together, so its ceiling is as many writers as our clients.
    /// </summary>
    private static async Task<LoadResult> CeilingSinglesAsync(Store store, EventRow[] events)
    {
        var receivedAt = UtcTimestampHandler.ToText(DateTimeOffset.UtcNow);
        if (store == Store.Postgres)
        {
            var (database, connectionString) = await MigratedPostgresDatabaseAsync();
            try
            {
                await using var dataSource = NpgsqlDataSource.Create(connectionString);
                return await LoadDriver.RunAsync(SingleClients, async i =>
                {
                    await using var connection = await dataSource.OpenConnectionAsync();
                    await using var batch = new NpgsqlBatch(connection) { BatchCommands = { PostgresInsert(events[i], receivedAt) } };
                    await batch.PrepareAsync();
                    await batch.ExecuteNonQueryAsync();
                }, total: events.Length);
            }
            finally
            {
                PostgresServer.Shared!.DropDatabase(database);
            }
        }

        var path = await MigratedDatabaseAsync();
        try
        {
            using var connection = DirectInsert.Open(path);
            using var insert = new DirectInsert.EventInserter(connection, "bench", DateTimeOffset.UtcNow);
            return await LoadDriver.RunAsync(1, i =>
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                insert.Insert(events[i]);
                transaction.Commit();
                return Task.CompletedTask;
            }, total: events.Length);
        }
        finally
        {
            Delete(path);
        }
    }

    /// <summary>A PostgreSQL database with the service's schema, migrated by the service itself, then left to us.</summary>
    private static async Task<(string Database, string ConnectionString)> MigratedPostgresDatabaseAsync()
    {
        var host = await ServiceHost.StartAsync(new HostOptions(Store.Postgres));
        host.KeepDatabase = true;
        await host.DisposeAsync();
        return (host.PostgresDatabase!, PostgresServer.Shared!.ConnectionString(host.PostgresDatabase!));
    }

    internal static void Delete(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
