using System.Diagnostics;
using Achievements.Api.Engine.Detection;
using Achievements.Api.Engine.Evaluation;
using Achievements.Api.Engine.History;
using Achievements.Api.Infrastructure.Storage;
using Microsoft.Data.Sqlite;

namespace Achievements.Benchmarks;

/// <summary>
/// Full re-evaluation of everyone after a publish, by the service's own <see cref="EvaluationRunner"/> in this
/// process, over events generated straight into the schema. The baseline is the floor under it: reading every
/// employee's events with the runner's own query through a bare data reader, with no parsing or judging.
/// </summary>
internal static class OrganisationEvaluationScenario
{
    /// <summary>The scale for the 60 s target: 10,000 employees with a year of events (10 million).</summary>
    private const double FullScaleEvents = 10_000 * 1_000.0;

    private const int NewEvents = 1_000;
    private const int NewEventEmployees = 100;

    // The columns and order HistoryReader reads.
    private const string SelectEvents = """
        SELECT seq, source, type, occurred_at, attributes
        FROM events
        WHERE actor = $actor
        ORDER BY occurred_at, seq
        """;

    public static async Task<IReadOnlyList<Figure>> RunAsync(Scale scale, TextWriter log)
    {
        var figures = new List<Figure>();
        foreach (var employees in scale.OrganisationSizes)
        {
            figures.AddRange(await RunAsync(employees, scale.EventsPerEmployee, employees == scale.OrganisationSizes[^1], log));
        }

        return figures;
    }

    private static async Task<IReadOnlyList<Figure>> RunAsync(int employees, int eventsPerEmployee, bool largest, TextWriter log)
    {
        await using var host = await ServiceHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var seedClock = Stopwatch.StartNew();
        Seed(host.DatabasePath, employees, eventsPerEmployee, now);
        var total = (double)employees * eventsPerEmployee;
        log.WriteLine($"seeded {employees:N0} employees × {eventsPerEmployee:N0} events in {seedClock.Elapsed.TotalSeconds:0.0} s");

        var readFloor = ReadEveryone(host.DatabasePath, employees);
        using (var connection = DirectInsert.Open(host.DatabasePath))
        {
            DirectInsert.Execute(connection, "INSERT INTO evaluation_queue (employee_id, enqueued_at) SELECT id, $now FROM employees WHERE is_bot = 0", ("$now", UtcTimestampHandler.ToText(now)));
        }

        var runner = host.Service<EvaluationRunner>();
        var (allocatedBefore, pausedBefore, gen0, gen1, gen2) = (GC.GetTotalAllocatedBytes(precise: true), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var (summary, wall, peak, before) = await MeasureAsync(() => runner.RunAsync(CancellationToken.None));
        PerformanceReport.Note("Re-evaluation", $"{employees:N0} × {eventsPerEmployee:N0}: the full pass allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6:N0} MB ({(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)(employees * (long)eventsPerEmployee):N0} B an event) and paused for GC {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:0.00} s of its {wall.TotalSeconds:0.00} s (collections: {GC.CollectionCount(0) - gen0:N0} gen0, {GC.CollectionCount(1) - gen1:N0} gen1, {GC.CollectionCount(2) - gen2:N0} gen2)");
        // What follows every pass (it reads no events), then what an admin's POST /detections costs (it reads every history again).
        var detectionAfterPass = await TimeAsync(() => host.Service<DetectionRunner>().RunAsync(DetectionRefresh.None, [], CancellationToken.None));
        var detectionAlone = await TimeAsync(() => host.Service<DetectionRunner>().RunAsync(DetectionRefresh.Everyone, [], CancellationToken.None));
        var phases = await PhasesAsync(host, employees);
        log.WriteLine($"{employees:N0} employees: {wall.TotalSeconds:0.00} s ({summary.Employees:N0} evaluated, {summary.Granted:N0} granted), peak working set {peak / 1e6:N0} MB (before {before / 1e6:N0} MB); read floor {readFloor.TotalSeconds:0.00} s; detection after a pass {detectionAfterPass.TotalSeconds:0.00} s; an admin's detection run over everyone {detectionAlone.TotalSeconds:0.00} s");
        PerformanceReport.Note("Re-evaluation", $"{employees:N0} × {eventsPerEmployee:N0}: per employee (sample of 200) {phases}; detection as it follows every pass (over everyone's activities, reading no events) {detectionAfterPass.TotalSeconds:0.00} s");
        PerformanceReport.Note("Re-evaluation", $"{employees:N0} × {eventsPerEmployee:N0}: {await Breakdown.LoadEmployeeAsync(host, employees)}");

        var size = $"{employees:N0} × {eventsPerEmployee:N0} events";
        var projected = wall.TotalSeconds * FullScaleEvents / total;
        var isFull = employees >= 10_000 && eventsPerEmployee >= 1_000;
        var figures = new List<Figure>
        {
            new("Re-evaluation", $"{size}: employees/s; baseline: reading their events only", summary.Employees / wall.TotalSeconds, employees / readFloor.TotalSeconds, "employees/s"),
            new("Re-evaluation", $"{size}: wall time (s); baseline: 60 s target", wall.TotalSeconds, 60, "s", isFull ? "≤ 60 s" : "", isFull ? wall.TotalSeconds <= 60 : null),
            // Issue 24: every detector, over everyone's activities (the review graph, circles, patronage, mass production,
            // bursts), under 10 s at 10,000 employees.
            new("Re-evaluation", $"{size}: detection as it follows every pass (s), timed alone after; baseline: the full pass", detectionAfterPass.TotalSeconds, wall.TotalSeconds, "s",
                employees >= 10_000 ? "≤ 10 s" : "", employees >= 10_000 ? detectionAfterPass.TotalSeconds <= 10 : null),
            new("Re-evaluation", $"{size}: an admin's detection run, reading every history again (s); baseline: the full pass", detectionAlone.TotalSeconds, wall.TotalSeconds, "s"),
            new("Re-evaluation", $"{size}: peak working set (MB); baseline: 1 GB target", peak / 1e6, 1_000, "MB", isFull ? "< 1 GB" : "", isFull ? peak < 1e9 : null),
        };
        if (largest && !isFull)
        {
            figures.Add(new("Re-evaluation", $"{size}: wall time projected linearly to 10,000 × 1,000 (s)", projected, 60, "s", "≤ 60 s (projected)", projected <= 60));
        }

        var incremental = await NewBatchAsync(host, employees, now);
        PerformanceReport.Note("Re-evaluation", $"{employees:N0} × {eventsPerEmployee:N0}: after {NewEvents:N0} new events the pass (with its detection run) took {incremental.Evaluate.TotalMilliseconds:N0} ms for {NewEventEmployees} employees");
        log.WriteLine($"  a batch of {NewEvents:N0} new events: ingested in {incremental.Ingest.TotalMilliseconds:N0} ms, its {NewEventEmployees} employees re-evaluated in {incremental.Evaluate.TotalMilliseconds:N0} ms");
        figures.Add(new("Re-evaluation", $"{size}: {NewEvents:N0} new events, their {NewEventEmployees} employees re-evaluated (ms); baseline: 1 s target", incremental.Evaluate.TotalMilliseconds, 1_000, "ms", "≤ 1 s", incremental.Evaluate.TotalMilliseconds <= 1_000));
        return figures;
    }

    private static async Task<(EvaluationSummary, TimeSpan, long Peak, long Before)> MeasureAsync(Func<Task<EvaluationSummary>> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = Environment.WorkingSet;
        long peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Environment.WorkingSet);
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        var summary = await run();
        clock.Stop();
        await stop.CancelAsync();
        await sampler;
        return (summary, clock.Elapsed, Math.Max(peak, Environment.WorkingSet), before);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> run)
    {
        var clock = Stopwatch.StartNew();
        await run();
        return clock.Elapsed;
    }

    /// <summary>A Stopwatch breakdown of one employee's evaluation over a sample: read, classify, judge.</summary>
    private static async Task<string> PhasesAsync(ServiceHost host, int employees)
    {
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var context = await EvaluationContext.LoadAsync(connection, now, CancellationToken.None);
        var sample = Math.Min(employees, 200);
        long load = 0, classify = 0, judge = 0;
        for (var i = 0; i < sample; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var history = await context.LoadEmployeeAsync(connection, null, OrganisationEvents.EmployeeId(i * (employees / sample)), CancellationToken.None);
            var loaded = Stopwatch.GetTimestamp();
            var counted = history!.CountAsOf(now);
            var classified = Stopwatch.GetTimestamp();
            foreach (var badge in context.Badges)
            {
                context.Judge(badge, counted, now);
            }

            load += loaded - start;
            classify += classified - loaded;
            judge += Stopwatch.GetTimestamp() - classified;
        }

        string Ms(long ticks) => $"{ticks * 1000.0 / Stopwatch.Frequency / sample:0.000} ms";
        return $"load events + corrections {Ms(load)}, classify (counting policy) {Ms(classify)}, judge {context.Badges.Count} badges {Ms(judge)}";
    }

    private static async Task<(TimeSpan Ingest, TimeSpan Evaluate)> NewBatchAsync(ServiceHost host, int employees, DateTimeOffset now)
    {
        var generator = new OrganisationEvents(employees, seed: 99, now);
        var batch = Enumerable.Range(0, NewEventEmployees)
            .SelectMany(e => generator.ForEmployee(e * (employees / NewEventEmployees), NewEvents / NewEventEmployees))
            .ToArray();
        using var source = host.Client(await host.CreateSourceKeyAsync());
        var clock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(EventRow.Batch(batch));
        content.Headers.ContentType = new("application/json");
        (await source.PostAsync("/api/v1/events", content)).EnsureSuccessStatusCode();
        var ingest = clock.Elapsed;
        clock.Restart();
        var summary = await host.Service<EvaluationRunner>().RunAsync(CancellationToken.None);
        if (summary.Employees != NewEventEmployees)
        {
            throw new InvalidOperationException($"Expected {NewEventEmployees} employees re-evaluated, not {summary.Employees}.");
        }

        return (ingest, clock.Elapsed);
    }

    private static TimeSpan ReadEveryone(string databasePath, int employees)
    {
        using var connection = DirectInsert.Open(databasePath);
        using var command = connection.CreateCommand();
        command.CommandText = SelectEvents;
        var actor = command.Parameters.Add("$actor", SqliteType.Text);
        command.Prepare();
        var clock = Stopwatch.StartNew();
        long rows = 0;
        for (var i = 0; i < employees; i++)
        {
            actor.Value = OrganisationEvents.EmployeeId(i);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows += reader.GetInt64(0) + reader.GetString(4).Length;
            }
        }

        return rows >= 0 ? clock.Elapsed : TimeSpan.Zero;
    }

    private static void Seed(string databasePath, int employees, int eventsPerEmployee, DateTimeOffset now)
    {
        using var connection = DirectInsert.Open(databasePath, synchronous: "OFF");
        DirectInsert.InsertEmployees(connection, Enumerable.Range(0, employees).Select(OrganisationEvents.EmployeeId), now);
        var generator = new OrganisationEvents(employees, seed: 7, now);
        using var insert = new DirectInsert.EventInserter(connection, "bench", now);
        var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        var rows = 0;
        for (var e = 0; e < employees; e++)
        {
            foreach (var row in generator.ForEmployee(e, eventsPerEmployee))
            {
                insert.Insert(row);
                if (++rows % 100_000 == 0)
                {
                    transaction.Commit();
                    transaction.Dispose();
                    transaction = connection.BeginTransaction();
                    insert.Transaction = transaction;
                }
            }
        }

        transaction.Commit();
        transaction.Dispose();
    }
}
