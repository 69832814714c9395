using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.SignIn;

/// <summary>
/// The caller as the pages need it: <c>role</c>, the <c>employee</c> they are (null for a source, a viewer, or an admin who is
/// no employee) and that employee's display name, and <c>via</c>: <c>key</c> or <c>oidc</c>.
/// </summary>
internal sealed record SignedInCaller(string Role, string? Employee, string? DisplayName, string Via);

internal sealed record WhoAmI(Caller Caller) : IQuery<SignedInCaller>;

internal sealed class WhoAmIHandler(IDbConnectionFactory connections) : IQueryHandler<WhoAmI, SignedInCaller>
{
    private const string DisplayName = "SELECT display_name FROM employees WHERE id = @Id";

    public async ValueTask<SignedInCaller> Handle(WhoAmI query, CancellationToken cancellationToken)
    {
        var caller = query.Caller;
        var employee = caller.Role is ApiRole.Employee or ApiRole.Admin ? caller.Subject : null;
        string? name = null;
        if (employee is not null)
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            name = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(DisplayName, new { Id = employee }, cancellationToken: cancellationToken));
        }

        return new SignedInCaller(caller.Role.Name(), employee, name, caller.SignedIn ? "oidc" : "key");
    }
}
