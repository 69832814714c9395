using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// <c>POST /scim/v2/Users</c>: provisions a user. Someone the service already knows (an employee with the
/// <c>email</c> identity userName or the primary address, or whose id is userName) is linked, so that their history
/// stays theirs; anyone else becomes a new employee (decision 0017).
/// </summary>
internal sealed record CreateScimUser(string? UserName, string? ExternalId, string? DisplayName, string? Team, bool? Active, string? Email)
    : ICommand<ScimUser>, IScimUserWrite;

internal sealed class CreateScimUserValidator : AbstractValidator<CreateScimUser>
{
    public CreateScimUserValidator() => Include(new ScimUserWriteValidator());
}

internal sealed class CreateScimUserHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<CreateScimUser, ScimUser>
{
    private const string SelectEmployee = "SELECT id AS Id, scim_user_name AS ProvisionedAs FROM employees WHERE id = @Id";

    private const string Insert = """
        INSERT INTO employees (id, display_name, team, is_bot, created_at, updated_at)
        VALUES (@Id, @DisplayName, @Team, 0, @Now, @Now)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>How many ids a new user tries (ada, ada-2, … ada-99) before the request is refused.</summary>
    private const int IdsTried = 99;

    public async ValueTask<ScimUser> Handle(CreateScimUser command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            var userName = command.UserName!;
            await ScimUsers.EnsureUniqueAsync(write, userName, exceptId: null);
            var id = await LinkAsync(write, command) ?? await NewEmployeeAsync(write, command, now);
            // Provisioning someone is making them active unless the provider says otherwise, a linked employee too.
            await ScimUsers.SaveAsync(write, audit, directory, id, command with { Active = command.Active ?? true }, "scim.user.created", now);
            return (await ScimUsers.FindAsync(connection, transaction, id, cancellationToken))!;
        }, cancellationToken);
    }

    /// <summary>The employee this user already is, if any; one already provisioned under another userName is a conflict.</summary>
    private static async Task<string?> LinkAsync(WriteScope write, CreateScimUser command)
    {
        var addresses = new[] { command.UserName, command.Email }.OfType<string>().Select(a => new Identity("email", a.ToLowerInvariant())).ToList();
        var byEmail = await IdentityMap.ResolveAsync(write.Connection, write.Transaction, addresses, write.CancellationToken);
        var id = addresses.Select(byEmail.GetValueOrDefault).OfType<string>().FirstOrDefault() ?? command.UserName!.ToLowerInvariant();
        var known = await write.Connection.QuerySingleOrDefaultAsync<KnownEmployee>(write.Command(SelectEmployee, new { Id = id }));
        return known switch
        {
            null => null,
            { ProvisionedAs: null } => id,
            _ => throw new ConflictException($"Employee '{id}' is already provisioned as user '{known.ProvisionedAs}'; one employee is one user."),
        };
    }

    /// <summary>
    /// A new employee whose id is userName when that is a valid employee id, else made from it (an address's local part,
    /// lower case, other characters as '-'), with -2, -3, … while the id belongs to someone else.
    /// </summary>
    private static async Task<string> NewEmployeeAsync(WriteScope write, CreateScimUser command, DateTimeOffset now)
    {
        var stem = IdStem(command.UserName!);
        for (var n = 1; n <= IdsTried; n++)
        {
            var id = n == 1 ? stem : $"{stem}-{n}";
            if (await write.Connection.ExecuteAsync(write.Command(Insert, new { Id = id, command.DisplayName, command.Team, Now = now })) == 1)
            {
                return id;
            }
        }

        throw new ConflictException($"No free employee id was found for userName '{command.UserName}' ({stem} to {stem}-{IdsTried} are taken); create the employee first with PUT /api/v1/employees/{{id}} and the email identity.");
    }

    /// <summary>An id of at most 61 characters, so that a suffix up to -99 keeps it within the 64 of <see cref="EmployeeId"/>.</summary>
    internal static string IdStem(string userName)
    {
        var lower = userName.ToLowerInvariant();
        if (EmployeeId.IsValid(lower) && lower.Length <= 61)
        {
            return lower;
        }

        var at = lower.IndexOf('@', StringComparison.Ordinal);
        var local = at > 0 ? lower[..at] : lower;
        var safe = new string([.. local.Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' ? c : '-')]).TrimStart('.', '_', '-');
        safe = safe[..Math.Min(safe.Length, 61)];
        return safe.Length == 0 ? "user" : safe;
    }

    private sealed record KnownEmployee
    {
        public required string Id { get; init; }
        public string? ProvisionedAs { get; init; }
    }
}
