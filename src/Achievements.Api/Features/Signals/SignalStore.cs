using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Signals;

/// <summary>The signal catalog as stored: loaded whole, inserted and its policy updated a signal at a time.</summary>
internal static class SignalStore
{
    private const string SelectSignals = """
        SELECT type AS Type, kind AS Kind, description AS Description, attributes AS Attributes,
               settlement AS Settlement, corrected_by AS CorrectedBy, daily_cap AS DailyCap,
               qualify AS Qualify, built_in AS BuiltIn, shipped_by AS ShippedBy, voices AS Voices,
               authoritative_sources AS AuthoritativeSources, units AS Units, attribution AS Attribution
        FROM signals
        ORDER BY built_in DESC, type
        """;

    private const string InsertSignal = """
        INSERT INTO signals (type, kind, description, attributes, settlement, corrected_by, daily_cap, qualify, built_in,
                             shipped_by, voices, authoritative_sources, units, attribution, updated_at)
        VALUES (@Type, @Kind, @Description, @Attributes, @Settlement, @CorrectedBy, @DailyCap, @Qualify, @BuiltIn,
                @ShippedBy, @Voices, @AuthoritativeSources, @Units, @Attribution, @UpdatedAt)
        ON CONFLICT (type) DO NOTHING
        """;

    private const string UpdatePolicy = """
        UPDATE signals SET description = @Description, settlement = @Settlement, corrected_by = @CorrectedBy,
               daily_cap = @DailyCap, qualify = @Qualify, shipped_by = @ShippedBy, voices = @Voices,
               authoritative_sources = @AuthoritativeSources, units = @Units, attribution = @Attribution, updated_at = @UpdatedAt
        WHERE type = @Type
        """;

    public static async Task<SignalCatalog> LoadAsync(DbConnection connection, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        var rows = await connection.QueryAsync<SignalRow>(new CommandDefinition(SelectSignals, transaction: transaction, cancellationToken: cancellationToken));
        return new SignalCatalog(rows.Select(row => row.ToDefinition()).ToList());
    }

    /// <summary>Inserts a signal unless its type exists; returns whether it was inserted.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection connection, SignalDefinition signal, DateTimeOffset now, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSignal, SignalRow.From(signal, now), transaction, cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>Stores a signal's policy: everything but its type, kind and attributes, which are fixed at creation.</summary>
    public static Task UpdatePolicyAsync(DbConnection connection, SignalDefinition signal, DateTimeOffset now, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        connection.ExecuteAsync(new CommandDefinition(UpdatePolicy, SignalRow.From(signal, now), transaction, cancellationToken: cancellationToken));

    /// <summary>The JSON columns of a signal's policy, as stored.</summary>
    private static PolicyColumns Columns(SignalDefinition signal) => new(
        Json(signal.CorrectedBy),
        JsonSerializer.Serialize(signal.Qualify, StorageJson.Options),
        Json(signal.ShippedBy),
        Json(signal.Voices),
        JsonSerializer.Serialize(signal.AuthoritativeSources, StorageJson.Options));

    private static string? Json<T>(T? value) where T : class => value is null ? null : JsonSerializer.Serialize(value, StorageJson.Options);

    private static T? Parse<T>(string? json) where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, StorageJson.Options);

    /// <summary>A policy's JSON columns.</summary>
    internal sealed record PolicyColumns(string? CorrectedBy, string Qualify, string? ShippedBy, string? Voices, string AuthoritativeSources);

    private sealed record SignalRow
    {
        public required string Type { get; init; }
        public required string Kind { get; init; }
        public required string Description { get; init; }
        public required string Attributes { get; init; }
        public string? Settlement { get; init; }
        public string? CorrectedBy { get; init; }
        public long? DailyCap { get; init; }
        public required string Qualify { get; init; }
        public long BuiltIn { get; init; }
        public string? ShippedBy { get; init; }
        public string? Voices { get; init; }
        public string AuthoritativeSources { get; init; } = "[]";
        public string? Units { get; init; }
        public string? Attribution { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public SignalDefinition ToDefinition() => new(
            Type,
            Kind,
            Description,
            JsonSerializer.Deserialize<List<AttributeDefinition>>(Attributes, StorageJson.Options)!,
            Settlement,
            Parse<CorrectedBy>(CorrectedBy),
            DailyCap is null ? null : (int)DailyCap.Value,
            JsonSerializer.Deserialize<List<QualifyCondition>>(Qualify, StorageJson.Options)!,
            BuiltIn != 0)
        {
            ShippedBy = Parse<ShippedBy>(ShippedBy),
            Voices = Parse<Voices>(Voices),
            AuthoritativeSources = JsonSerializer.Deserialize<List<string>>(AuthoritativeSources, StorageJson.Options) ?? [],
            Units = Parse<Units>(Units),
            Attribution = Parse<Attribution>(Attribution),
        };

        public static SignalRow From(SignalDefinition signal, DateTimeOffset now)
        {
            var columns = Columns(signal);
            return new()
            {
                Type = signal.Type,
                Kind = signal.Kind,
                Description = signal.Description,
                Attributes = JsonSerializer.Serialize(signal.Attributes, StorageJson.Options),
                Settlement = signal.Settlement,
                CorrectedBy = columns.CorrectedBy,
                DailyCap = signal.DailyCap,
                Qualify = columns.Qualify,
                BuiltIn = signal.BuiltIn ? 1 : 0,
                ShippedBy = columns.ShippedBy,
                Voices = columns.Voices,
                AuthoritativeSources = columns.AuthoritativeSources,
                Units = Json(signal.Units),
                Attribution = Json(signal.Attribution),
                UpdatedAt = now,
            };
        }
    }
}
