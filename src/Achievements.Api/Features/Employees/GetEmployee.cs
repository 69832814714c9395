using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Employees;

/// <summary>An employee's directory entry.</summary>
/// <param name="Id">Their employee id.</param>
/// <param name="DisplayName">The name the directory shows; null for an account only an event named.</param>
/// <param name="Team">Their directory team, if any.</param>
/// <param name="IsBot">A bot's work never counts, nor does its vouching.</param>
/// <param name="Identities">Who they are in other systems (GitHub, email), which sources' events are mapped by.</param>
/// <param name="AddedBy">
/// The authority that put them in the directory (<see cref="Employees.AddedBy"/>: admin, scim or github), or null when
/// only a source's event named them: then their reviews and approvals vouch for nothing, and an outcome no one else
/// vouched for is <c>unvouched</c>.
/// </param>
internal sealed record Employee(string Id, string? DisplayName, string? Team, bool IsBot, IReadOnlyList<Identity> Identities, string? AddedBy);

internal sealed record GetEmployee(string Id) : IQuery<Employee>;

internal sealed class GetEmployeeHandler(IDbConnectionFactory connections) : IQueryHandler<GetEmployee, Employee>
{
    private const string SelectEmployee = """
        SELECT id AS Id, display_name AS DisplayName, team AS Team, is_bot AS IsBot, added_by AS AddedBy
        FROM employees
        WHERE id = @Id
        """;

    public async ValueTask<Employee> Handle(GetEmployee query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EmployeeRow>(new CommandDefinition(SelectEmployee, new { query.Id }, cancellationToken: cancellationToken));
        return row is null
            ? throw new NotFoundException("Employee", query.Id)
            : new Employee(row.Id, row.DisplayName, row.Team, row.IsBot != 0, await IdentityMap.OfAsync(connection, null, row.Id, cancellationToken), row.AddedBy);
    }

    private sealed record EmployeeRow
    {
        public required string Id { get; init; }
        public string? DisplayName { get; init; }
        public string? Team { get; init; }
        public long IsBot { get; init; }
        public string? AddedBy { get; init; }
    }
}
