using System.Diagnostics;
using System.Text.Json;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Evaluation;
using Achievements.Api.Features.Events;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;
using SignalCatalog = Achievements.Api.Features.Signals.SignalCatalog;

namespace Achievements.Benchmarks;

/// <summary>
/// Stopwatch breakdowns of the paths whose targets are missed, timed in-process through the service's own
/// types, so that the cause written in docs/performance.md is measured in the same run as the figures.
/// </summary>
internal static class Breakdown
{
    private static double Ms(long ticks, int count) => ticks * 1000.0 / Stopwatch.Frequency / count;

    /// <summary>One batch of 1,000 events: reading and validating it, then the whole handler without HTTP.</summary>
    public static async Task<string> IngestionAsync(ServiceHost host, int batches = 5)
    {
        var generator = new OrganisationEvents(500, seed: 5, DateTimeOffset.UtcNow);
        long validate = 0, handler = 0;
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        for (var b = 0; b < batches; b++)
        {
            using var document = JsonDocument.Parse(EventRow.Batch(generator.Stream(1_000)));
            var events = document.RootElement.GetProperty("events").EnumerateArray().ToList();
            var start = Stopwatch.GetTimestamp();
            var catalog = await SignalCatalog.LoadAsync(connection, CancellationToken.None);
            var validator = new IncomingEventValidator(catalog, DateTimeOffset.UtcNow);
            foreach (var json in events)
            {
                validator.Validate(IncomingEvent.From(json));
            }

            var validated = Stopwatch.GetTimestamp();
            await using var scope = host.App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new IngestEvents("breakdown", events));
            validate += validated - start;
            handler += Stopwatch.GetTimestamp() - validated;
        }

        // The handler's statements other than the insert, as it runs them (Dapper, unprepared), in a transaction rolled back.
        var rows = generator.Stream(1_000).ToList();
        var actors = rows.Select(r => r.Actor).Distinct().ToList();
        await using var transaction = await connection.BeginTransactionAsync();
        var begin = Stopwatch.GetTimestamp();
        await connection.QueryAsync<string>("SELECT event_id FROM events WHERE source = @Source AND event_id IN @Ids", new { Source = "breakdown", Ids = rows.Select(r => r.EventId).ToList() }, transaction);
        var looked = Stopwatch.GetTimestamp();
        await connection.ExecuteAsync("INSERT INTO employees (id, is_bot, created_at, updated_at) VALUES (@Actor, 0, @Now, @Now) ON CONFLICT (id) DO NOTHING", actors.Select(a => new { Actor = a, Now = DateTimeOffset.UtcNow }), transaction);
        var ensured = Stopwatch.GetTimestamp();
        await connection.ExecuteAsync("INSERT INTO evaluation_queue (employee_id, enqueued_at) VALUES (@EmployeeId, @Now) ON CONFLICT (employee_id) DO NOTHING", actors.Select(a => new { EmployeeId = a, Now = DateTimeOffset.UtcNow }), transaction);
        var queued = Stopwatch.GetTimestamp();
        await transaction.RollbackAsync();
        return $"per batch of 1,000, in-process: load catalog + read + validate {Ms(validate, batches):0.0} ms; the whole IngestEvents handler (validates again, then its transaction) {Ms(handler, batches):0.0} ms; "
            + $"inside it, the duplicate lookup (1,000 ids as parameters) {Ms(looked - begin, 1):0.0} ms, ensuring {actors.Count} employees row by row {Ms(ensured - looked, 1):0.0} ms, queueing them row by row {Ms(queued - ensured, 1):0.0} ms";
    }

    /// <summary>One directory read: opening a connection (with its pragmas), and the whole query handler, single-threaded.</summary>
    public static async Task<string> DirectoryAsync(ServiceHost host, int employees, int reads = 2_000)
    {
        var connections = host.Service<IDbConnectionFactory>();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < reads; i++)
        {
            await using var connection = await connections.OpenAsync(CancellationToken.None);
        }

        var opened = Stopwatch.GetTimestamp();
        await using var scope = host.App.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        for (var i = 0; i < reads; i++)
        {
            await mediator.Send(new GetEmployeeBadges(OrganisationEvents.EmployeeId(Random.Shared.Next(employees))));
        }

        var handled = Stopwatch.GetTimestamp();
        var open = Ms(opened - start, reads);
        var handler = Ms(handled - opened, reads);
        return $"per read, single-threaded in-process: open a pooled connection + 3 pragmas {open * 1000:0} µs; the whole GetEmployeeBadges handler {handler * 1000:0} µs (so at most {1000 / handler:N0} reads/s per core before HTTP, auth and JSON)";
    }

    /// <summary>Loading one employee, split: the bare read of their rows, the service's whole load, and its correction lookup.</summary>
    public static async Task<string> LoadEmployeeAsync(ServiceHost host, int employees, int sample = 200)
    {
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        var context = await EvaluationContext.LoadAsync(connection, DateTimeOffset.UtcNow, CancellationToken.None);
        long bare = 0, load = 0, corrections = 0;
        sample = Math.Min(sample, employees);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectEvents;
        var actor = command.CreateParameter();
        actor.ParameterName = "@Actor";
        command.Parameters.Add(actor);
        for (var i = 0; i < sample; i++)
        {
            actor.Value = OrganisationEvents.EmployeeId(i * (employees / sample));
            var start = Stopwatch.GetTimestamp();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    _ = reader.GetString(5);
                }
            }

            var read = Stopwatch.GetTimestamp();
            var history = await context.LoadEmployeeAsync(connection, null, (string)actor.Value, CancellationToken.None);
            var loaded = Stopwatch.GetTimestamp();
            await CorrectionIndex.LoadAsync(connection, null, history!.Events, CancellationToken.None);
            bare += read - start;
            load += loaded - read;
            corrections += Stopwatch.GetTimestamp() - loaded;
        }

        var plan = string.Join("; ", (await connection.QueryAsync<(long Id, long Parent, long Unused, string Detail)>(
            "EXPLAIN QUERY PLAN SELECT source, json_extract(attributes, '$.suggestion_id') FROM events WHERE type = 'suggestion.discarded' AND json_extract(attributes, '$.suggestion_id') IN (SELECT value FROM json_each('[\"a\",\"b\"]'))"))
            .Select(row => row.Detail));
        return $"loading one employee: the bare read of their rows {Ms(bare, sample):0.000} ms; the service's whole load (read, JSON, corrections) {Ms(load, sample):0.000} ms, of which the correction lookup {Ms(corrections, sample):0.000} ms; correction lookup plan: {plan}";
    }

    private const string SelectEvents = """
        SELECT seq, source, type, actor, occurred_at, attributes
        FROM events
        WHERE actor = @Actor
        ORDER BY occurred_at, seq
        """;
}
