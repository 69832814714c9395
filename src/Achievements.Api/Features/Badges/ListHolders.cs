using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Who holds a published badge (active awards of employees in the directory who did not hide it), optionally one tier,
/// highest tier first.
/// </summary>
internal sealed record ListHolders(string Key, string? Tier) : IQuery<IReadOnlyList<Holder>>;

internal sealed record Holder(string Employee, string? DisplayName, string Tier, DateTimeOffset AwardedAt);

internal sealed class ListHoldersHandler(IDbConnectionFactory connections) : IQueryHandler<ListHolders, IReadOnlyList<Holder>>
{
    private const string BadgeIsPublished = "SELECT COUNT(*) FROM badges WHERE key = @Key AND status = 'published'";

    private const string SelectHolders = $"""
        SELECT a.employee_id AS Employee, e.display_name AS DisplayName, a.tier AS Tier, a.awarded_at AS AwardedAt
        FROM awards a JOIN employees e ON e.id = a.employee_id
        WHERE a.badge_key = @Key AND a.status = 'active' AND e.active = 1 AND e.listed = 1 AND {Awards.GetEmployeeBadgesHandler.NotHidden}
          AND (@Tier IS NULL OR a.tier = @Tier)
        ORDER BY a.tier_rank DESC, a.awarded_at, a.employee_id
        """;

    public async ValueTask<IReadOnlyList<Holder>> Handle(ListHolders query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(BadgeIsPublished, query, cancellationToken: cancellationToken)) == 0)
        {
            throw new NotFoundException("Badge", query.Key);
        }

        return [.. await connection.QueryAsync<Holder>(new CommandDefinition(SelectHolders, query, cancellationToken: cancellationToken))];
    }
}
