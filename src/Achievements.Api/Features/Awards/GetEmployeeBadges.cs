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
    private const string SelectEmployee = "SELECT id AS Id, display_name AS DisplayName, team AS Team FROM employees WHERE id = @EmployeeId";

    private const string SelectBadges = """
        SELECT a.badge_key AS Badge, v.name AS Name, v.icon AS Icon, v.description AS Description,
               a.tier AS Tier, a.tier_rank AS TierRank, a.awarded_at AS AwardedAt
        FROM awards a
        JOIN badges b ON b.key = a.badge_key AND b.status = 'published'
        JOIN badge_versions v ON v.badge_key = b.key AND v.version = b.live_version
        WHERE a.employee_id = @EmployeeId AND a.status = 'active'
        ORDER BY a.tier_rank DESC, a.awarded_at, a.badge_key
        """;

    public async ValueTask<EmployeeBadges> Handle(GetEmployeeBadges query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var employee = await connection.QuerySingleOrDefaultAsync<(string Id, string? DisplayName, string? Team)?>(new CommandDefinition(SelectEmployee, query, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Employee", query.EmployeeId);
        var badges = await connection.QueryAsync<DirectoryBadge>(new CommandDefinition(SelectBadges, query, cancellationToken: cancellationToken));
        return new EmployeeBadges(employee.Id, employee.DisplayName, employee.Team, [.. badges]);
    }
}
