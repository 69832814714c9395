using System.Diagnostics;
using Achievements.Api.Engine.History;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Benchmarks;

/// <summary>
/// Stopwatch breakdowns of the paths whose targets are missed, timed in-process through the service's own
/// types, so that the cause written in docs/performance.md is measured in the same run as the figures.
/// </summary>
internal static class Breakdown
{
    private static double Ms(long ticks, int count) => ticks * 1000.0 / Stopwatch.Frequency / count;

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
            await CorrectionLookup.CorrectionsOfAsync(connection, null, history!.Events, CancellationToken.None);
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
