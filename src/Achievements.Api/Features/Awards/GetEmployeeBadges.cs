using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// What a directory page shows next to a name: the employee's active awards, one per non-archived badge at
/// its highest tier. Held and revoked awards are left out, and so is every number behind them.
/// </summary>
internal sealed record GetEmployeeBadges(string EmployeeId) : IQuery<EmployeeBadges>;

internal sealed record EmployeeBadges(string Employee, string? DisplayName, string? Team, IReadOnlyList<DirectoryBadge> Badges);

internal sealed record DirectoryBadge
{
    public required string Badge { get; init; }
    public required string Name { get; init; }
    public required string Icon { get; init; }
    public required string Description { get; init; }
    public required string Tier { get; init; }
    public long TierRank { get; init; }
    public DateTimeOffset AwardedAt { get; init; }
}

internal sealed class GetEmployeeBadgesHandler(IDbConnectionFactory connections) : IQueryHandler<GetEmployeeBadges, EmployeeBadges>
{
    // One statement for the hottest read: the employee, and their active awards of published badges if any.
    // Nothing is cached, so a new award shows on the very next read.
    private const string SelectEmployeeBadges = """
        SELECT e.id AS Id, e.display_name AS DisplayName, e.team AS Team,
               x.badge_key AS Badge, x.name AS Name, x.icon AS Icon, x.description AS Description,
               x.tier AS Tier, x.tier_rank AS TierRank, x.awarded_at AS AwardedAt
        FROM employees e
        LEFT JOIN (
            SELECT a.employee_id, a.badge_key, v.name, v.icon, v.description, a.tier, a.tier_rank, a.awarded_at
            FROM awards a
            JOIN badges b ON b.key = a.badge_key AND b.status = 'published'
            JOIN badge_versions v ON v.badge_key = b.key AND v.version = b.live_version
            WHERE a.employee_id = @EmployeeId AND a.status = 'active'
        ) x ON x.employee_id = e.id
        WHERE e.id = @EmployeeId
        ORDER BY x.tier_rank DESC, x.awarded_at, x.badge_key
        """;

    public async ValueTask<EmployeeBadges> Handle(GetEmployeeBadges query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(SelectEmployeeBadges, query, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0)
        {
            throw new NotFoundException("Employee", query.EmployeeId);
        }

        var badges = rows.Where(r => r.Badge is not null).Select(r => new DirectoryBadge
        {
            Badge = r.Badge!,
            Name = r.Name!,
            Icon = r.Icon!,
            Description = r.Description!,
            Tier = r.Tier!,
            TierRank = r.TierRank ?? 0,
            AwardedAt = r.AwardedAt ?? default,
        });
        return new EmployeeBadges(rows[0].Id, rows[0].DisplayName, rows[0].Team, [.. badges]);
    }

    private sealed record Row
    {
        public required string Id { get; init; }
        public string? DisplayName { get; init; }
        public string? Team { get; init; }
        public string? Badge { get; init; }
        public string? Name { get; init; }
        public string? Icon { get; init; }
        public string? Description { get; init; }
        public string? Tier { get; init; }
        public long? TierRank { get; init; }
        public DateTimeOffset? AwardedAt { get; init; }
    }
}
