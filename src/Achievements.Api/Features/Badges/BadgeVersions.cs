using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Badges;

/// <summary>A badge's status: never published, live, or withdrawn from evaluation and every read.</summary>
internal static class BadgeStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Archived = "archived";
}

/// <summary>A stored badge version with its badge's status.</summary>
internal sealed record BadgeVersionRow
{
    public required string Key { get; init; }
    public required string Status { get; init; }
    public long? LiveVersion { get; init; }
    public long Version { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string Icon { get; init; }
    public required string Metric { get; init; }
    public required string Requires { get; init; }
    public required string Tiers { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? ExpiresAfter { get; init; }

    public BadgeDefinition Definition() => BadgeDefinition.FromJsonLists(Name, Description, Icon, Metric, Requires, Tiers, ExpiresAfter);
}

/// <summary>The badge queries that several slices share: one version, the latest, a new one.</summary>
internal static class BadgeVersions
{
    private const string Columns = """
        b.key AS Key, b.status AS Status, b.live_version AS LiveVersion, v.version AS Version, v.name AS Name,
        v.description AS Description, v.icon AS Icon, v.metric AS Metric, v.requires AS Requires, v.tiers AS Tiers,
        v.created_at AS CreatedAt, v.published_at AS PublishedAt, v.expires_after AS ExpiresAfter
        """;

    private const string SelectVersion = $"""
        SELECT {Columns}
        FROM badges b JOIN badge_versions v ON v.badge_key = b.key
        WHERE b.key = @Key AND v.version = COALESCE(@Version, b.live_version, (SELECT MAX(version) FROM badge_versions WHERE badge_key = b.key))
        """;

    private const string SelectLatest = $"""
        SELECT {Columns}
        FROM badges b JOIN badge_versions v ON v.badge_key = b.key
        WHERE b.key = @Key
        ORDER BY v.version DESC
        LIMIT 1
        """;

    private const string InsertVersion = """
        INSERT INTO badge_versions (badge_key, version, name, description, icon, metric, requires, tiers, created_at, expires_after)
        VALUES (@Key, @Version, @Name, @Description, @Icon, @Metric, @Requires, @Tiers, @CreatedAt, @ExpiresAfter)
        """;

    /// <summary>One version; without a version, the live one, or the latest draft of a badge never published.</summary>
    public static Task<BadgeVersionRow?> FindAsync(DbConnection connection, string key, int? version, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<BadgeVersionRow>(new CommandDefinition(SelectVersion, new { Key = key, Version = version }, transaction, cancellationToken: cancellationToken));

    public static Task<BadgeVersionRow?> FindLatestAsync(DbConnection connection, string key, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        connection.QuerySingleOrDefaultAsync<BadgeVersionRow>(new CommandDefinition(SelectLatest, new { Key = key }, transaction, cancellationToken: cancellationToken));

    public static Task InsertAsync(DbConnection connection, DbTransaction transaction, string key, int version, BadgeDefinition definition, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            InsertVersion,
            new
            {
                Key = key,
                Version = version,
                definition.Name,
                definition.Description,
                definition.Icon,
                definition.Metric,
                Requires = JsonSerializer.Serialize(definition.Requires, StorageJson.Options),
                Tiers = JsonSerializer.Serialize(definition.Tiers, StorageJson.Options),
                CreatedAt = now,
                definition.ExpiresAfter,
            },
            transaction,
            cancellationToken: cancellationToken));
}
