using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>Every version of a badge, newest first, with which one is live.</summary>
internal sealed record ListBadgeVersions(string Key) : IQuery<IReadOnlyList<BadgeView>>;

internal sealed class ListBadgeVersionsHandler(IDbConnectionFactory connections) : IQueryHandler<ListBadgeVersions, IReadOnlyList<BadgeView>>
{
    private const string SelectVersions = """
        SELECT b.key AS Key, b.status AS Status, b.live_version AS LiveVersion, v.version AS Version, v.name AS Name,
               v.description AS Description, v.icon AS Icon, v.metric AS Metric, v.requires AS Requires, v.tiers AS Tiers,
               v.created_at AS CreatedAt, v.published_at AS PublishedAt, v.expires_after AS ExpiresAfter
        FROM badges b JOIN badge_versions v ON v.badge_key = b.key
        WHERE b.key = @Key
        ORDER BY v.version DESC
        """;

    public async ValueTask<IReadOnlyList<BadgeView>> Handle(ListBadgeVersions query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<BadgeVersionRow>(new CommandDefinition(SelectVersions, query, cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? throw new NotFoundException("Badge", query.Key) : [.. rows.Select(row => BadgeView.From(row))];
    }
}
