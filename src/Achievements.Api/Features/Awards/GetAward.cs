using System.Text.Json;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Awards;

/// <summary>One award with the events that earned it and everything that happened to it since.</summary>
internal sealed record GetAward(string EmployeeId, string BadgeKey) : IQuery<AwardDetail>;

internal sealed record AwardDetail(
    string Employee,
    string Badge,
    string Name,
    string Status,
    string? Tier,
    int Version,
    double Value,
    DateTimeOffset AwardedAt,
    string? Reason,
    bool Blocked,
    IReadOnlyList<EvidenceEvent> Evidence,
    IReadOnlyList<AwardHistoryEntry> History,
    DateTimeOffset? ExpiresAt);

internal sealed record EvidenceEvent
{
    public required string Source { get; init; }
    public required string Id { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
}

internal sealed record AwardHistoryEntry
{
    public required string Action { get; init; }
    public string? Tier { get; init; }
    public long Version { get; init; }
    public double Value { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset At { get; init; }
}

internal sealed class GetAwardHandler(IDbConnectionFactory connections) : IQueryHandler<GetAward, AwardDetail>
{
    private const string SelectAward = """
        SELECT a.id AS Id, a.badge_key AS BadgeKey, a.status AS Status, a.tier AS Tier, a.tier_rank AS TierRank, a.badge_version AS BadgeVersion,
               a.value AS Value, a.awarded_at AS AwardedAt, a.evidence AS Evidence, a.blocked AS Blocked, a.reason AS Reason,
               a.expires_at AS ExpiresAt
        FROM awards a JOIN badges b ON b.key = a.badge_key AND b.status <> 'archived'
        WHERE a.employee_id = @EmployeeId AND a.badge_key = @BadgeKey
        """;

    private const string SelectName = "SELECT name FROM badge_versions WHERE badge_key = @BadgeKey AND version = @Version";

    private static string SelectEvidence(SqlDialect sql) => $"""
        SELECT source AS Source, event_id AS Id, type AS Type, occurred_at AS OccurredAt
        FROM events WHERE seq {sql.In("@Seqs")} ORDER BY occurred_at
        """;

    private const string SelectHistory = """
        SELECT action AS Action, tier AS Tier, badge_version AS Version, value AS Value, reason AS Reason, at AS At
        FROM award_history WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey ORDER BY id
        """;

    public async ValueTask<AwardDetail> Handle(GetAward query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var award = await connection.QuerySingleOrDefaultAsync<AwardRow>(new CommandDefinition(SelectAward, query, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Award", $"{query.EmployeeId}/{query.BadgeKey}");
        var name = await connection.ExecuteScalarAsync<string>(new CommandDefinition(SelectName, new { query.BadgeKey, Version = award.BadgeVersion }, cancellationToken: cancellationToken));
        var seqs = JsonSerializer.Deserialize<long[]>(award.Evidence) ?? [];
        var evidence = seqs.Length == 0 ? [] : await connection.QueryAsync<EvidenceEvent>(new CommandDefinition(SelectEvidence(SqlDialect.Of(connection)), new { Seqs = SqlDialect.Of(connection).List(seqs) }, cancellationToken: cancellationToken));
        var history = await connection.QueryAsync<AwardHistoryEntry>(new CommandDefinition(SelectHistory, query, cancellationToken: cancellationToken));
        return new AwardDetail(query.EmployeeId, query.BadgeKey, name ?? query.BadgeKey, award.Status, award.Tier, (int)award.BadgeVersion, award.Value,
            award.AwardedAt, award.Reason, award.Blocked != 0, [.. evidence], [.. history], award.ExpiresAt);
    }
}
