using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Achievements.Api.Features.Events;
using Achievements.Api.Features.Queue;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Benchmarks;

/// <summary>
/// Ingestion against the SQLite ceiling. The ceiling inserts the same rows into the same schema (the service's
/// own migrations) through Microsoft.Data.Sqlite with one prepared statement, under the same pragmas as the
/// service (journal_mode=WAL, synchronous=FULL): anything less durable would be an unfair ceiling.
/// </summary>
internal static class IngestionScenario
{
    private const int Batch = 1_000;
    private const int Employees = 500;
    private const int SingleClients = 16;

    public static async Task<IReadOnlyList<Figure>> RunAsync(Scale scale, TextWriter log)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new OrganisationEvents(Employees, seed: 1, now).Stream(scale.IngestEvents).ToArray();
        var batches = events.Chunk(Batch).Select(EventRow.Batch).ToArray();
        var singles = new OrganisationEvents(Employees, seed: 2, now).Stream(scale.SinglePosts).ToArray();

        var ceiling = await CeilingAsync(events, Batch);
        var ceilingSingles = await CeilingSinglesAsync(singles);
        log.WriteLine($"ceiling: {events.Length / ceiling.TotalSeconds:N0} events/s in batches of {Batch}; {ceilingSingles.PerSecond:N0} events/s one per transaction");

        await using var host = await ServiceHost.StartAsync();
        using var source = host.Client(await host.CreateSourceKeyAsync());
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await PostAsync(source, batch, expectedAccepted: -1);
        }

        clock.Stop();
        log.WriteLine($"ours: {events.Length / clock.Elapsed.TotalSeconds:N0} events/s through POST /api/v1/events");

        PerformanceReport.Note("Ingestion", $"per batch of 1,000 through HTTP {clock.Elapsed.TotalMilliseconds / batches.Length:0.0} ms; the ceiling's transaction of 1,000 rows {ceiling.TotalMilliseconds / batches.Length:0.0} ms; {await BreakdownAsync(host)}");

        var bodies = singles.Select(e => EventRow.Batch([e])).ToArray();
        var posted = await LoadDriver.RunAsync(SingleClients, i => PostAsync(source, bodies[i], expectedAccepted: 1), total: bodies.Length);
        log.WriteLine($"ours: {posted.PerSecond:N0} single events/s from {SingleClients} clients, p50 {posted.P50Ms:0.0} ms, p99 {posted.P99Ms:0.0} ms");

        var ours = events.Length / clock.Elapsed.TotalSeconds;
        var best = events.Length / ceiling.TotalSeconds;
        return
        [
            new("Ingestion", $"Batches of {Batch} (events/s), {events.Length:N0} events", ours, best, "events/s", "≥ 0.5", ours / best >= 0.5),
            new("Ingestion", $"Single events, {SingleClients} clients (events/s); ceiling: one row per transaction, one writer", posted.PerSecond, ceilingSingles.PerSecond, "events/s"),
            new("Ingestion", "Single events p50 latency; ceiling: one commit", posted.P50Ms, ceilingSingles.P50Ms, "ms"),
            new("Ingestion", "Single events p99 latency; ceiling: one commit", posted.P99Ms, ceilingSingles.P99Ms, "ms"),
        ];
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
    private static async Task<string> BreakdownAsync(ServiceHost host, int batches = 5)
    {
        var generator = new OrganisationEvents(Employees, seed: 5, DateTimeOffset.UtcNow);
        long load = 0, judge = 0, handler = 0;
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        for (var b = -1; b < batches; b++)
        {
            using var document = JsonDocument.Parse(EventRow.Batch(generator.Stream(Batch)));
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

        var actors = generator.Stream(Batch).Select(r => r.Actor).ToList();
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

    private static async Task<TimeSpan> CeilingAsync(EventRow[] events, int perTransaction)
    {
        var path = await MigratedDatabaseAsync();
        try
        {
            using var connection = DirectInsert.Open(path);
            using var insert = new DirectInsert.EventInserter(connection, "bench", DateTimeOffset.UtcNow);
            var clock = Stopwatch.StartNew();
            foreach (var chunk in events.Chunk(perTransaction))
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                foreach (var row in chunk)
                {
                    insert.Insert(row);
                }

                transaction.Commit();
            }

            return clock.Elapsed;
        }
        finally
        {
            Delete(path);
        }
    }

    private static async Task<LoadResult> CeilingSinglesAsync(EventRow[] events)
    {
        var path = await MigratedDatabaseAsync();
        try
        {
            using var connection = DirectInsert.Open(path);
            using var insert = new DirectInsert.EventInserter(connection, "bench", DateTimeOffset.UtcNow);
            // SQLite has one writer at a time, so one writer committing row by row is the ceiling for single events.
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

    internal static void Delete(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
