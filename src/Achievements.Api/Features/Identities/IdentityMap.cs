using System.Data.Common;
using System.Text.RegularExpressions;
using Achievements.Api.Infrastructure.Auth;
using Dapper;
using FluentValidation;

namespace Achievements.Api.Features.Identities;

/// <summary>
/// Who someone is in another system: a provider (<c>github</c>, <c>email</c>, any name), the provider's id for them
/// (GitHub's numeric user id, an address) and, where the provider has one, the login they go by there.
/// </summary>
internal sealed record Identity(string Provider, string Id, string? Login = null);

internal sealed partial class IdentityValidator : AbstractValidator<Identity>
{
    public const string ProviderRule = "provider must be 1-64 characters of a-z, 0-9, '.', '_' or '-', such as 'github' or 'email'.";

    public IdentityValidator()
    {
        RuleFor(x => x.Provider).Must(p => p is not null && Provider().IsMatch(p)).WithMessage(ProviderRule);
        RuleFor(x => x.Id).NotEmpty().MaximumLength(256).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Login).MaximumLength(256).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Provider();
}

/// <summary>The employees identities belong to: one employee per identity, found by the provider's id first, then by login.</summary>
internal static class IdentityMap
{
    // By id first: GitHub keeps a user's numeric id for ever, while a login can be renamed and, once free, taken by
    // someone else. The login is only a fallback for an identity whose id this installation has not seen.
    private const string FindById = """
        SELECT employee_id FROM employee_identities WHERE provider = @Provider AND identity_id = @Id
        """;

    private const string FindByLogin = """
        SELECT employee_id FROM employee_identities WHERE provider = @Provider AND lower(login) = lower(@Login)
        """;

    private const string OfEmployee = """
        SELECT provider AS Provider, identity_id AS Id, login AS Login
        FROM employee_identities WHERE employee_id = @EmployeeId
        ORDER BY provider, identity_id
        """;

    private const string Owners = """
        SELECT DISTINCT employee_id FROM employee_identities
        WHERE provider = @Provider AND (identity_id = @Id OR (@Login IS NOT NULL AND lower(login) = lower(@Login)))
        """;

    // Addresses are compared without case, as mail systems do: an admin may have typed 'Alice@Example.com'. The exact
    // spelling wins if two identities differ only in case.
    private const string FindEmail = """
        SELECT i.employee_id AS EmployeeId, e.active AS Active
        FROM employee_identities i JOIN employees e ON e.id = i.employee_id
        WHERE i.provider = 'email' AND lower(i.identity_id) = @Lower
        ORDER BY i.identity_id = @Exact DESC
        LIMIT 1
        """;

    private const string Forget = "DELETE FROM employee_identities WHERE employee_id = @EmployeeId";

    private const string Insert = """
        INSERT INTO employee_identities (provider, identity_id, login, employee_id) VALUES (@Provider, @Id, @Login, @EmployeeId)
        """;

    /// <summary>The employee each identity belongs to, for those that belong to one.</summary>
    public static async Task<Dictionary<Identity, string>> ResolveAsync(DbConnection connection, DbTransaction transaction, IEnumerable<Identity> identities, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Identity, string>();
        foreach (var identity in identities.Distinct())
        {
            var employee = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(FindById, identity, transaction, cancellationToken: cancellationToken))
                ?? (identity.Login is null ? null : await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(FindByLogin, identity, transaction, cancellationToken: cancellationToken)));
            if (employee is not null)
            {
                found[identity] = employee;
            }
        }

        return found;
    }

    /// <summary>The employee whose <c>email</c> identity is <paramref name="address"/>, as a sign-in names them, and whether they are active.</summary>
    public static Task<EmailOwner?> FindEmailOwnerAsync(DbConnection connection, string address, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<EmailOwner?>(new CommandDefinition(FindEmail, new { Exact = address, Lower = address.ToLowerInvariant() }, cancellationToken: cancellationToken));

    public static async Task<IReadOnlyList<Identity>> OfAsync(DbConnection connection, DbTransaction? transaction, string employeeId, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<Identity>(new CommandDefinition(OfEmployee, new { EmployeeId = employeeId }, transaction, cancellationToken: cancellationToken))];

    /// <summary>
    /// Makes <paramref name="identities"/> the employee's, replacing what it had. An identity (or a login of the same
    /// provider) that belongs to someone else is a conflict: one person's work must never be credited to two employees.
    /// </summary>
    public static async Task ReplaceAsync(DbConnection connection, DbTransaction transaction, string employeeId, IReadOnlyList<Identity> identities, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(Forget, new { EmployeeId = employeeId }, transaction, cancellationToken: cancellationToken));
        foreach (var identity in identities)
        {
            var owners = await connection.QueryAsync<string>(new CommandDefinition(Owners, identity, transaction, cancellationToken: cancellationToken));
            if (owners.FirstOrDefault(owner => owner != employeeId) is { } owner)
            {
                throw new Infrastructure.Errors.ConflictException($"The {identity.Provider} identity '{identity.Login ?? identity.Id}' belongs to employee '{owner}'.");
            }

            await connection.ExecuteAsync(new CommandDefinition(Insert, new { identity.Provider, identity.Id, identity.Login, EmployeeId = employeeId }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// Gives an employee one more identity and keeps the ones they have; true when added, false when it was theirs
    /// already. Someone else's is a conflict, as in <see cref="ReplaceAsync"/>.
    /// </summary>
    public static async Task<bool> AddAsync(DbConnection connection, DbTransaction transaction, string employeeId, Identity identity, CancellationToken cancellationToken)
    {
        var owners = (await connection.QueryAsync<string>(new CommandDefinition(Owners, identity, transaction, cancellationToken: cancellationToken))).ToList();
        if (owners.FirstOrDefault(owner => owner != employeeId) is { } owner)
        {
            throw new Infrastructure.Errors.ConflictException($"The {identity.Provider} identity '{identity.Login ?? identity.Id}' belongs to employee '{owner}'.");
        }

        if (owners.Count > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(Insert, new { identity.Provider, identity.Id, identity.Login, EmployeeId = employeeId }, transaction, cancellationToken: cancellationToken));
        return true;
    }

    /// <summary>Adds one identity to an employee, unless it or its login belongs to anyone already; true when added.</summary>
    public static async Task<bool> TryAddAsync(DbConnection connection, DbTransaction transaction, string employeeId, Identity identity, CancellationToken cancellationToken)
    {
        if ((await connection.QueryAsync<string>(new CommandDefinition(Owners, identity, transaction, cancellationToken: cancellationToken))).Any())
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(Insert, new { identity.Provider, identity.Id, identity.Login, EmployeeId = employeeId }, transaction, cancellationToken: cancellationToken));
        return true;
    }
}
