using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// A badge's live definition with how many people hold each tier (active awards only). Drafts and archived
/// badges are visible to admins only; to everyone else they do not exist.
/// </summary>
internal sealed record GetBadge(string Key, bool IsAdmin) : IQuery<BadgeView>;

internal sealed class GetBadgeHandler(IDbConnectionFactory connections) : IQueryHandler<GetBadge, BadgeView>
{
    private const string CountHolders = """
        SELECT tier AS Tier, COUNT(*) AS Holders FROM awards
        WHERE badge_key = @Key AND status = 'active'
        GROUP BY tier
        """;

    public async ValueTask<BadgeView> Handle(GetBadge query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await BadgeVersions.FindAsync(connection, query.Key, null, cancellationToken);
        if (row is null || (row.Status != BadgeStatus.Published && !query.IsAdmin))
        {
            throw new NotFoundException("Badge", query.Key);
        }

        var holders = await connection.QueryAsync<(string Tier, long Holders)>(new CommandDefinition(CountHolders, new { query.Key }, cancellationToken: cancellationToken));
        return BadgeView.From(row, holders.ToDictionary(h => h.Tier, h => (int)h.Holders));
    }
}
