using System.Text.Json.Nodes;
using Achievements.Api.Engine.Ingestion;
using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Infrastructure.Telemetry;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Achievements.Api.Features.Otlp;

/// <summary>
/// One OTLP export from an AI coding tool: its records read, the ones a mapping uses turned into events about the
/// tool's user, and those attributed through identities (held, never lost, while the user is not mapped).
/// </summary>
internal sealed record ReceiveTelemetry(string Source, OtlpSignal Signal, byte[] Body, bool Protobuf) : ICommand<TelemetryReceipt>;

/// <summary>
/// What became of an export: its records, how many were used, unused or rejected, each event's status, and why records
/// a mapping reads could not be used (<see cref="AiToolEvents.Refusal"/>).
/// </summary>
internal sealed record TelemetryReceipt(int Records, int Used, int Unused, int Rejected, IReadOnlyList<AttributedResult> Events, IReadOnlyList<string> Refusals)
{
    public OtlpResponse Response(OtlpSignal signal)
    {
        var notes = new List<string>();
        if (Rejected > 0)
        {
            var why = Refusals.Concat(Events.Where(e => e.Errors is not null).SelectMany(e => e.Errors!.Values.SelectMany(v => v))).Distinct().Take(5);
            notes.Add($"{Rejected} {signal.RecordWord} were rejected: {string.Join("; ", why)}");
        }

        if (Unused > 0)
        {
            notes.Add($"{Unused} {signal.RecordWord} of kinds no badge reads were not used");
        }

        if (Events.Count(e => e.Status == AttributedResult.Unmapped) is var held and > 0)
        {
            notes.Add($"{held} events wait until an admin maps their user to an employee (GET /api/v1/identities/unmapped)");
        }

        return new OtlpResponse(signal, Rejected, notes.Count == 0 ? null : string.Join(". ", notes) + ".");
    }
}

internal sealed class ReceiveTelemetryHandler(IDbConnectionFactory connections, TimeProvider time, IngestTurns turns, ServiceTelemetry telemetry) : ICommandHandler<ReceiveTelemetry, TelemetryReceipt>
{
    public async ValueTask<TelemetryReceipt> Handle(ReceiveTelemetry command, CancellationToken cancellationToken)
    {
        IReadOnlyList<OtlpRecord> records;
        try
        {
            records = command.Signal == OtlpSignal.Logs ? OtlpBody.Logs(command.Body, command.Protobuf) : OtlpBody.Metrics(command.Body, command.Protobuf);
        }
        catch (NotOtlpException notOtlp)
        {
            throw new ValidationException([new ValidationFailure("body", $"{notOtlp.Message} POST /v1/{command.Signal.Name} takes an OTLP Export{(command.Signal == OtlpSignal.Logs ? "Logs" : "Metrics")}ServiceRequest.")]);
        }

        var read = records.Select(record =>
        {
            var events = AiToolEvents.Of(record);
            return (Record: record, Events: events, Refusal: AiToolEvents.Refusal(record, events));
        }).ToList();
        var refusals = read.Select(m => m.Refusal).OfType<string>().ToList();
        var mapped = read.Where(m => m.Refusal is null).ToList();
        var events = mapped.SelectMany(m => m.Events).ToList();
        if (events.Count == 0)
        {
            return new TelemetryReceipt(records.Count, 0, records.Count - refusals.Count, refusals.Count, [], refusals);
        }

        var now = time.GetUtcNow();
        var attributed = events.Select(e => new AttributedEvent
        {
            Id = e.Id,
            Type = e.Type,
            Actor = new Identity(e.User.Provider, e.User.Id),
            OccurredAt = e.OccurredAt,
            Attributes = (JsonObject)e.Attributes.DeepClone(),
        }).ToList();
        await using var connection = await connections.OpenAsync(cancellationToken);
        // The same turns as POST /events: one ingest transaction at a time per database.
        var results = await turns.InTransactionAsync(
            connection, transaction => HeldEvents.AttributeAsync(connection, transaction, command.Source, attributed, now, cancellationToken), cancellationToken);
        telemetry.EventsIngested(command.Source, results.Select(r => r.Status));

        var rejectedIds = results.Where(r => r.Errors is not null).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var used = mapped.Count(m => m.Events.Count > 0);
        var rejected = mapped.Count(m => m.Events.Any(e => rejectedIds.Contains(e.Id)));
        return new TelemetryReceipt(records.Count, used - rejected, records.Count - used - refusals.Count, rejected + refusals.Count, results, refusals);
    }
}
