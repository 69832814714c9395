using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Employees;

internal sealed record Employee(string Id, string? DisplayName, string? Team, bool IsBot, IReadOnlyList<Identity> Identities);

internal sealed record GetEmployee(string Id) : IQuery<Employee>;

internal sealed class GetEmployeeHandler(IDbConnectionFactory connections) : IQueryHandler<GetEmployee, Employee>
{
    private const string SelectEmployee = """
        SELECT id AS Id, display_name AS DisplayName, team AS Team, is_bot AS IsBot
        FROM employees
        WHERE id = @Id
        """;

    public async ValueTask<Employee> Handle(GetEmployee query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EmployeeRow>(new CommandDefinition(SelectEmployee, new { query.Id }, cancellationToken: cancellationToken));
        return row is null
            ? throw new NotFoundException("Employee", query.Id)
            : new Employee(row.Id, row.DisplayName, row.Team, row.IsBot != 0, await IdentityMap.OfAsync(connection, null, row.Id, cancellationToken));
    }

    private sealed record EmployeeRow
    {
        public required string Id { get; init; }
        public string? DisplayName { get; init; }
        public string? Team { get; init; }
        public long IsBot { get; init; }
    }
}
