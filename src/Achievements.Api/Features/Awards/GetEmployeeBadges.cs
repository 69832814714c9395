using System.Text.Json;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Infrastructure.Telemetry;
using Dapper;
using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// What a directory page shows next to a name: the employee's active awards, one per published badge at
/// its highest tier. Held, revoked and expired awards are left out, and so is every number behind them; so are the
/// badges the employee hid, and the employee altogether once they left the directory (404).
/// </summary>
internal sealed record GetEmployeeBadges(string EmployeeId) : IQuery<EmployeeBadges>;

/// <summary>The same entry as the directory endpoints serve it: JSON, and SVG with its ETag, rendered once per change.</summary>
internal sealed record GetDirectoryEntry(string EmployeeId) : IQuery<DirectoryEntry>;

internal sealed record EmployeeBadges(string Employee, string? DisplayName, string? Team, IReadOnlyList<DirectoryBadge> Badges);

/// <summary>
/// One employee's directory entry and its two renderings, each made on its first use and then kept with the entry
/// in the <see cref="DirectoryCache"/> until the entry changes, so a cached read writes bytes instead of rendering.
/// Made lazily so that filling the cache for everyone stays two queries' work.
/// </summary>
internal sealed class DirectoryEntry(EmployeeBadges badges, JsonSerializerOptions json)
{
    // Two first readers may both render; they render the same bytes, and either reference may win.
    private byte[]? _json;
    private BadgeImage? _image;

    public EmployeeBadges Badges => badges;

    /// <summary>The JSON body, UTF-8, written with the app's JSON options: the bytes <c>Ok(Badges)</c> would write.</summary>
    public byte[] Json => _json ??= JsonSerializer.SerializeToUtf8Bytes(badges, json);

    public BadgeImage Image => _image ??= BadgeSvg.Render(badges);
}

/// <summary>The SVG image (UTF-8) and its ETag.</summary>
internal sealed record BadgeImage(byte[] Svg, string ETag);

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

/// <summary>
/// Answers from the <see cref="DirectoryCache"/> when it holds a current entry; otherwise reads the database and
/// keeps the result under the ticket taken before the read, so a read that raced a write is never kept as current.
/// A missing employee is not kept: ingestion creates employees without telling the cache.
/// </summary>
internal sealed class GetEmployeeBadgesHandler(IDbConnectionFactory connections, DirectoryCache directory, DirectoryChanges changes, IOptions<JsonOptions> json, ServiceTelemetry telemetry)
    : IQueryHandler<GetEmployeeBadges, EmployeeBadges>, IQueryHandler<GetDirectoryEntry, DirectoryEntry>
{
    // A deactivated employee has left the directory (decision 0017), and so has one who asked to: not found, like
    // someone never provisioned.
    private const string SelectEmployee = "SELECT id AS Id, display_name AS DisplayName, team AS Team FROM employees WHERE id = @EmployeeId AND active = 1 AND listed = 1";

    /// <summary>The condition on awards <c>a</c> that leaves out the badges their holders hid; the holders list uses it too.</summary>
    public const string NotHidden = "NOT EXISTS (SELECT 1 FROM hidden_badges h WHERE h.employee_id = a.employee_id AND h.badge_key = a.badge_key)";

    private const string SelectBadges = $"""
        SELECT a.badge_key AS Badge, v.name AS Name, v.icon AS Icon, v.description AS Description,
               a.tier AS Tier, a.tier_rank AS TierRank, a.awarded_at AS AwardedAt
        FROM awards a
        JOIN badges b ON b.key = a.badge_key AND b.status = 'published'
        JOIN badge_versions v ON v.badge_key = b.key AND v.version = b.live_version
        WHERE a.employee_id = @EmployeeId AND a.status = 'active' AND {NotHidden}
        ORDER BY a.tier_rank DESC, a.awarded_at, a.badge_key
        """;

    // Everyone at once, for filling the cache: the same two reads without the employee. They need not share a
    // snapshot: a write committed between them forgets its employee after the fill's ticket, so that entry is not kept.
    private const string SelectEveryone = "SELECT id AS Id, display_name AS DisplayName, team AS Team FROM employees WHERE active = 1 AND listed = 1 ORDER BY id LIMIT @Limit";

    private const string SelectEveryonesBadges = $"""
        SELECT a.employee_id AS Employee, a.badge_key AS Badge, v.name AS Name, v.icon AS Icon, v.description AS Description,
               a.tier AS Tier, a.tier_rank AS TierRank, a.awarded_at AS AwardedAt
        FROM awards a
        JOIN badges b ON b.key = a.badge_key AND b.status = 'published'
        JOIN badge_versions v ON v.badge_key = b.key AND v.version = b.live_version
        WHERE a.status = 'active' AND {NotHidden}
        ORDER BY a.tier_rank DESC, a.awarded_at, a.badge_key
        """;

    public async ValueTask<EmployeeBadges> Handle(GetEmployeeBadges query, CancellationToken cancellationToken) =>
        (await ReadAsync(query.EmployeeId, cancellationToken)).Badges;

    public ValueTask<DirectoryEntry> Handle(GetDirectoryEntry query, CancellationToken cancellationToken) =>
        ReadAsync(query.EmployeeId, cancellationToken);

    private async ValueTask<DirectoryEntry> ReadAsync(string employeeId, CancellationToken cancellationToken)
    {
        // What other instances changed is forgotten first (nothing to do on SQLite's one process).
        await changes.CatchUpAsync(cancellationToken);
        var hit = directory.TryGet(employeeId, out var cached, out _);
        telemetry.DirectoryRead(hit);
        return hit ? cached : await LoadAsync(employeeId, cancellationToken);
    }

    private async ValueTask<DirectoryEntry> LoadAsync(string employeeId, CancellationToken cancellationToken)
    {
        if (directory.NeedsFill)
        {
            await directory.FillAsync(ReadEveryoneAsync).WaitAsync(cancellationToken);
        }

        if (directory.TryGet(employeeId, out var cached, out var ticket))
        {
            return cached;
        }

        var query = new { EmployeeId = employeeId };
        await using var connection = await connections.OpenAsync(cancellationToken);
        var employee = await connection.QuerySingleOrDefaultAsync<(string Id, string? DisplayName, string? Team)?>(new CommandDefinition(SelectEmployee, query, cancellationToken: cancellationToken))
            ?? throw new NotFoundException("Employee", employeeId);
        var badges = await connection.QueryAsync<DirectoryBadge>(new CommandDefinition(SelectBadges, query, cancellationToken: cancellationToken));
        var entry = new DirectoryEntry(new EmployeeBadges(employee.Id, employee.DisplayName, employee.Team, [.. badges]), json.Value.SerializerOptions);
        directory.Store(ticket, entry);
        return entry;
    }

    private async Task<IEnumerable<DirectoryEntry>> ReadEveryoneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var employees = await connection.QueryAsync<(string Id, string? DisplayName, string? Team)>(new CommandDefinition(SelectEveryone, new { Limit = DirectoryCache.FillLimit }, cancellationToken: cancellationToken));
        var badges = (await connection.QueryAsync<string, DirectoryBadge, (string Employee, DirectoryBadge Badge)>(
                new CommandDefinition(SelectEveryonesBadges, cancellationToken: cancellationToken),
                (employee, badge) => (employee, badge),
                splitOn: "Badge"))
            .ToLookup(row => row.Employee, row => row.Badge, StringComparer.Ordinal);
        return [.. employees.Select(e => new DirectoryEntry(new EmployeeBadges(e.Id, e.DisplayName, e.Team, [.. badges[e.Id]]), json.Value.SerializerOptions))];
    }
}
