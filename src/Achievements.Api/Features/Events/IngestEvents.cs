using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Achievements.Api.Engine.History;
using Achievements.Api.Engine.Ingestion;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Json;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Infrastructure.Telemetry;
using Achievements.Api.Infrastructure.Validation;
using Dapper;
using FluentValidation;
using Mediator;
using SQLitePCL;

namespace Achievements.Api.Features.Events;

/// <summary>
/// A batch of events from one source. Each event is judged alone; the accepted ones are committed in one
/// transaction before the answer, so an acknowledged event is on disk and a replay of its id is a no-op.
/// </summary>
// Each event's text is judged with the event (EventJudge), so that one bad event rejects itself, not the batch.
internal sealed record IngestEvents(string Source, [property: JudgedPerRecord] IReadOnlyList<JsonElement>? Events) : ICommand<IngestResult>;

internal sealed record IngestResult(int Accepted, int Duplicates, int Rejected, IReadOnlyList<EventResult> Results);

internal sealed record EventResult(
    string? Id,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public const string AcceptedStatus = "accepted";
    public const string DuplicateStatus = "duplicate";
    public const string RejectedStatus = "rejected";
}

internal sealed class IngestEventsValidator : AbstractValidator<IngestEvents>
{
    public const int MaxBatch = 1000;

    public IngestEventsValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Events).NotNull().WithMessage("The body must be { \"events\": [ ... ] }.")
            .Must(events => events!.Count is >= 1 and <= MaxBatch).WithMessage($"Send between 1 and {MaxBatch} events per request.");
    }
}

internal sealed class IngestEventsHandler(IDbConnectionFactory connections, TimeProvider time, IngestTurns turns, ServiceTelemetry telemetry) : ICommandHandler<IngestEvents, IngestResult>
{
    // One statement for all the batch's actors, their ids passed as one JSON array. "WHERE true" is SQLite's
    // way to tell an upsert's ON CONFLICT from a join constraint after a SELECT. A source naming an actor does not put
    // them in the directory: added_by stays NULL, so they vouch for nothing (AddedBy), and an existing row is untouched.
    private static string EnsureEmployees(SqlDialect sql) => $"""
        INSERT INTO employees (id, is_bot, created_at, updated_at)
        SELECT value, 0, @Now, @Now FROM {sql.Values("@Actors")} WHERE true
        ON CONFLICT (id) DO NOTHING
        """;

    // The unique (source, event_id) makes a replay change nothing, whatever it carries.
    private const string InsertEvent = """
        INSERT INTO events (source, event_id, type, actor, occurred_at, received_at, attributes)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
        ON CONFLICT (source, event_id) DO NOTHING
        """;

    // The same statement with PostgreSQL's positional parameters.
    private const string InsertEventPostgres = """
        INSERT INTO events (source, event_id, type, actor, occurred_at, received_at, attributes)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (source, event_id) DO NOTHING
        """;

    // Only for refused events: a refused repeat of a stored id is still reported as a duplicate.
    private static string ExistingIds(SqlDialect sql) => $"""
        SELECT event_id FROM events WHERE source = @Source AND event_id {sql.In("@Ids")}
        """;

    public async ValueTask<IngestResult> Handle(IngestEvents command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);
        var judged = Judge(catalog, now, command.Events!);

        // One ingest transaction at a time per database, handed on in turns rather than through SQLite's busy handler,
        // and shared by every batch waiting for the turn (group commit): single events from many clients share a commit.
        var results = await turns.InSharedTransactionAsync(
            connection, (shared, transaction) => StoreInAsync(shared, transaction, command.Source, catalog, judged, now, CancellationToken.None), cancellationToken);
        telemetry.EventsIngested(command.Source, results.Select(r => r.Status));

        return new IngestResult(
            results.Count(r => r.Status == EventResult.AcceptedStatus),
            results.Count(r => r.Status == EventResult.DuplicateStatus),
            results.Count(r => r.Status == EventResult.RejectedStatus),
            results);
    }


    /// <summary>
    /// Judges each event alone against the catalog and the clock: the errors of one never reject another.
    /// </summary>
    internal static (IncomingEvent Event, Dictionary<string, string[]>? Errors)[] Judge(SignalCatalog catalog, DateTimeOffset now, IReadOnlyList<JsonElement> events)
    {
        var judge = new EventJudge(catalog, now);
        var errors = new List<EventError>();
        var judged = new (IncomingEvent Event, Dictionary<string, string[]>? Errors)[events.Count];
        for (var i = 0; i < judged.Length; i++)
        {
            var incoming = IncomingEvent.From(events[i]);
            errors.Clear();
            judged[i] = (incoming, judge.Judge(incoming, errors) ? null : Errors(errors));
        }

        return judged;
    }

    /// <summary>
    /// In the caller's transaction: stores the accepted events, queues whom they concern, and says what became of each
    /// event. Ingestion and the sources that translate their own payloads into events (GitHub's webhook, events held
    /// until their people were mapped) store through here, so a stored event means the same whichever way it came.
    /// </summary>
    internal static async Task<EventResult[]> StoreInAsync(
        DbConnection connection,
        DbTransaction transaction,
        string source,
        SignalCatalog catalog,
        (IncomingEvent Event, Dictionary<string, string[]>? Errors)[] judged,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // A refused id that no event could have been stored under (a control character) is not looked up: PostgreSQL
        // would refuse the query itself.
        var refusedIds = judged.Where(j => j.Errors is not null).Select(j => j.Event.IdText).OfType<string>().Where(StorableText.IsStorable).Distinct(StringComparer.Ordinal).ToList();
        var stored = refusedIds.Count == 0
            ? []
            : (await connection.QueryAsync<string>(new CommandDefinition(ExistingIds(SqlDialect.Of(connection)), new { Source = source, Ids = SqlDialect.Of(connection).List(refusedIds) }, transaction, cancellationToken: cancellationToken)))
                .ToHashSet(StringComparer.Ordinal);

        // The unique (source, id) decides: an insert that changes nothing met a stored or earlier id.
        using var insert = SqlDialect.Of(connection).IsSqlite
            ? (IEventInsert)new EventInsert(connection, source, now)
            : new PostgresEventInsert(connection, transaction, source, now);
        var inserted = await insert.ExecuteAsync([.. judged.Where(j => j.Errors is null).Select(j => j.Event)], cancellationToken);
        var results = new EventResult[judged.Length];
        var accepted = new List<IncomingEvent>();
        var acceptedIds = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0, next = 0; i < judged.Length; i++)
        {
            var (incoming, refusal) = judged[i];
            if (refusal is null)
            {
                results[i] = new EventResult(incoming.IdText, inserted[next] ? EventResult.AcceptedStatus : EventResult.DuplicateStatus);
                if (inserted[next++])
                {
                    accepted.Add(incoming);
                    acceptedIds.Add(incoming.IdText!);
                }
            }
            else
            {
                results[i] = incoming.IdText is { } id && (stored.Contains(id) || acceptedIds.Contains(id))
                    ? new EventResult(id, EventResult.DuplicateStatus)
                    : new EventResult(incoming.IdText, EventResult.RejectedStatus, refusal);
            }
        }

        if (accepted.Count > 0)
        {
            await EnsureEmployeesAsync(connection, transaction, accepted.Select(a => a.ActorText!), now, cancellationToken);
            var affected = accepted.Select(a => a.ActorText!).Concat(await AffectedAuthorsAsync(connection, transaction, catalog, accepted, cancellationToken));
            await EvaluationQueue.EnqueueAsync(connection, transaction, affected, now, cancellationToken);
        }

        return results;
    }

    /// <summary>Adds the employees that events name and the directory does not have yet.</summary>
    internal static Task EnsureEmployeesAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> actors, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            EnsureEmployees(SqlDialect.Of(connection)), new { Actors = JsonSerializer.Serialize(actors.Distinct(StringComparer.Ordinal)), Now = now }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// A correction, or evidence about a merge, changes someone else's standing: the author of the outcome it corrects
    /// or attributes, not whoever sent it. Their award may change, so they are queued too. One lookup per signal and
    /// key, the same ones evaluation runs, however many such events the batch holds; whichever source reported the
    /// outcome, since a trusted correction from any source corrects it (queuing one too many costs an evaluation).
    /// </summary>
    private static async Task<IEnumerable<string>> AffectedAuthorsAsync(
        DbConnection connection,
        DbTransaction transaction,
        SignalCatalog catalog,
        List<IncomingEvent> accepted,
        CancellationToken cancellationToken)
    {
        var events = accepted
            .Select(e => (e.TypeText!, (Func<string, string?>)(name => e.Attributes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)))
            .ToList();
        var authors = new List<string>();
        foreach (var lookup in CorrectionIndex.OutcomesCorrectedBy(catalog, events).Concat(AttributedOutcomes.NamedBy(catalog, events)))
        {
            authors.AddRange((await CorrectionLookup.FindAsync(connection, transaction, lookup, cancellationToken)).Select(e => e.Actor));
        }

        return authors;
    }

    /// <summary>
    /// One prepared statement for the whole batch, ingestion's hot path, run through SQLite's C API on the handler's
    /// connection and inside its transaction: the attributes are bound as the request's own UTF-8 bytes and the
    /// timestamp is formatted into a stack buffer, where ADO.NET would make a string of each and encode it back
    /// (as evaluation's <see cref="HistoryReader"/> does for the read; decision 0007). Measured against one
    /// prepared <c>SqliteCommand</c> on the same batches (the benchmarks' <c>--only insert</c>; docs/performance.md),
    /// it is kept only while it is more than 10% faster.
    /// </summary>
    internal sealed class EventInsert : IEventInsert
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public EventInsert(DbConnection connection, string source, DateTimeOffset now)
        {
            _db = SqliteNative.HandleOf(connection);
            Check(raw.sqlite3_prepare_v2(_db, InsertEvent, out _statement));
            Check(raw.sqlite3_bind_text(_statement, 1, source));
            Check(raw.sqlite3_bind_text(_statement, 6, UtcTimestampHandler.ToText(now)));
        }

        /// <summary>Inserts the event; false when its (source, id) was already stored.</summary>
        public bool Execute(IncomingEvent incoming)
        {
            Span<byte> occurredAt = stackalloc byte[UtcTimestampHandler.Utf8Length];
            Check(raw.sqlite3_bind_text(_statement, 2, incoming.IdText));
            Check(raw.sqlite3_bind_text(_statement, 3, incoming.TypeText));
            Check(raw.sqlite3_bind_text(_statement, 4, incoming.ActorText));
            Check(raw.sqlite3_bind_text(_statement, 5, occurredAt[..UtcTimestampHandler.ToUtf8(incoming.OccurredAtValue!.Value, occurredAt)]));
            Check(raw.sqlite3_bind_text(_statement, 7, incoming.Attributes.ValueKind == JsonValueKind.Object ? JsonMarshal.GetRawUtf8Value(incoming.Attributes) : "{}"u8));
            var step = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            SqliteNative.Check(step, _db);
            return raw.sqlite3_changes(_db) == 1;
        }

        public ValueTask<bool[]> ExecuteAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken) =>
            new([.. events.Select(Execute)]);

        public void Dispose() => _statement.Dispose();

        private void Check(int result) => SqliteNative.Check(result, _db);
    }

    /// <summary>The batch's accepted events' inserts, in order: false for each whose (source, id) was already stored, or earlier in the batch.</summary>
    internal interface IEventInsert : IDisposable
    {
        ValueTask<bool[]> ExecuteAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken);
    }

    /// <summary>
    /// The batch's inserts on PostgreSQL: one prepared statement, sent for every event in one batch of commands, so
    /// the whole batch costs one round trip instead of one per event (a batch of 1,000 took 0.8 s with the worker
    /// running, against 0.1 s for the same rows sent as one batch: issue 15's benchmark, docs/performance.md). The
    /// commands run in order in the handler's transaction, so a repeated id in the batch inserts once, as on SQLite.
    /// The attributes go as the request's own JSON text.
    /// </summary>
    internal sealed class PostgresEventInsert(DbConnection connection, DbTransaction transaction, string source, DateTimeOffset now) : IEventInsert
    {
        private readonly string _receivedAt = UtcTimestampHandler.ToText(now);
        private DbBatch? _batch;

        public async ValueTask<bool[]> ExecuteAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken)
        {
            if (events.Count == 0)
            {
                return [];
            }

            _batch = connection.CreateBatch();
            _batch.Transaction = transaction;
            foreach (var incoming in events)
            {
                var command = _batch.CreateBatchCommand();
                command.CommandText = InsertEventPostgres;
                foreach (var value in new[]
                {
                    source, incoming.IdText!, incoming.TypeText!, incoming.ActorText!, UtcTimestampHandler.ToText(incoming.OccurredAtValue!.Value), _receivedAt,
                    incoming.Attributes.ValueKind == JsonValueKind.Object ? incoming.Attributes.GetRawText() : "{}",
                })
                {
                    var parameter = command.CreateParameter();
                    parameter.DbType = System.Data.DbType.String;
                    parameter.Value = value;
                    command.Parameters.Add(parameter);
                }

                _batch.BatchCommands.Add(command);
            }

            await _batch.PrepareAsync(cancellationToken);
            await _batch.ExecuteNonQueryAsync(cancellationToken);
            return [.. _batch.BatchCommands.Select(c => c.RecordsAffected == 1)];
        }

        public void Dispose() => _batch?.Dispose();
    }

    private static Dictionary<string, string[]> Errors(List<EventError> errors) =>
        errors
            .GroupBy(error => JsonFieldName.From(error.Field))
            .ToDictionary(group => group.Key, group => group.Select(error => error.Message).ToArray());
}
