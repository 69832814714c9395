using System.Data.Common;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;

namespace Achievements.Api.Features.Scim;

/// <summary>The names SCIM gives what this service provides (RFC 7643 §4, §8.7; RFC 7644 §3.4.2, §3.5.2, §3.12).</summary>
internal static class ScimSchemas
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

    /// <summary>What SCIM bodies are sent as (RFC 7644 §8.1); <c>application/json</c> is taken too.</summary>
    public const string MediaType = "application/scim+json";
}

/// <summary>
/// An employee as the identity provider knows them: the SCIM resource's <c>id</c> is the employee id, and the
/// provider's <c>userName</c> and <c>externalId</c> are kept beside it. <c>Email</c> is the person's primary address,
/// when they have an <c>email</c> identity.
/// </summary>
internal sealed record ScimUser(
    string Id, string UserName, string? ExternalId, string? DisplayName, string? Team, bool Active, IReadOnlyList<string> Emails,
    DateTimeOffset Created, DateTimeOffset LastModified);

/// <summary>What a create or a replace writes, and what a patch ends with: the fields of a user the service keeps.</summary>
internal interface IScimUserWrite
{
    string? UserName { get; }

    string? ExternalId { get; }

    string? DisplayName { get; }

    string? Team { get; }

    /// <summary>Null keeps what is stored (active, for a new user).</summary>
    bool? Active { get; }

    /// <summary>The primary address in <c>emails</c>, registered as an <c>email</c> identity beside <c>userName</c>.</summary>
    string? Email { get; }
}

/// <summary>The rules every write of a SCIM user keeps, named as the provider sent them.</summary>
internal sealed class ScimUserWriteValidator : AbstractValidator<IScimUserWrite>
{
    public ScimUserWriteValidator()
    {
        RuleFor(x => x.UserName).NotEmpty().MaximumLength(256).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage)
            .Must(name => name == name?.Trim()).WithMessage("'userName' must not start or end with white space.");
        RuleFor(x => x.ExternalId).MaximumLength(256).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        // The display name is name.formatted, or what the provider sent instead of it (see ScimUserBody.DisplayNameOf).
        RuleFor(x => x.DisplayName).NotEmpty().MaximumLength(200).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage)
            .OverridePropertyName("name.formatted").WithName("name.formatted");
        RuleFor(x => x.Team).MaximumLength(100).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage)
            .OverridePropertyName("department").WithName("department");
        RuleFor(x => x.Email).MaximumLength(256).Must(email => email is null || IsEmail(email))
            .WithMessage("'emails' value must be an address such as 'ada@example.com'.").OverridePropertyName("emails").WithName("emails");
    }

    /// <summary>Loose on purpose: the provider has checked the address; this only keeps non-addresses out of the identities.</summary>
    public static bool IsEmail(string value) =>
        value.IndexOf('@', StringComparison.Ordinal) is var at && at > 0 && at < value.Length - 1 && !value.Any(char.IsWhiteSpace) && TextRules.IsDisplayable(value);
}

/// <summary>
/// Reads and writes SCIM users, in the caller's transaction. A write tells the directory (<see cref="DirectoryChanges"/>),
/// as <c>PutEmployee</c> does: the entry shows the name and team, and leaves or comes back with <c>active</c>.
/// </summary>
internal static class ScimUsers
{
    /// <summary>A user's columns as <see cref="UserRow"/> reads them; an employee is a SCIM user once it has a userName.</summary>
    public const string Columns = """
        id AS Id, scim_user_name AS UserName, external_id AS ExternalId, display_name AS DisplayName, team AS Team,
        active AS Active, created_at AS Created, updated_at AS LastModified
        """;

    private const string SelectUser = $"SELECT {Columns} FROM employees WHERE id = @Id AND scim_user_name IS NOT NULL";

    /// <summary>The <c>email</c> identities of the employees in <c>@Ids</c>, a list for <see cref="SqlDialect.In"/>.</summary>
    public static string SelectEmails(SqlDialect sql) => $"""
        SELECT employee_id AS EmployeeId, identity_id AS Address FROM employee_identities
        WHERE employee_id {sql.In("@Ids")} AND provider = 'email'
        ORDER BY employee_id, identity_id
        """;

    // userName is unique without regard to case (RFC 7643 §4.1.1); lower() is the expression the unique index is on.
    private const string SelectByUserName = """
        SELECT id FROM employees WHERE scim_user_name IS NOT NULL AND lower(scim_user_name) = lower(@UserName) AND id <> @Id
        """;

    private const string SelectBefore = "SELECT active AS Active, added_by AS AddedBy FROM employees WHERE id = @Id";

    // Provisioning puts them in the directory: an account an event created becomes a person (AddedBy), and one an admin
    // put there first keeps saying so.
    private const string Update = $"""
        UPDATE employees
        SET display_name = @DisplayName, team = @Team, scim_user_name = @UserName, external_id = @ExternalId,
            active = COALESCE(@Active, active), updated_at = @Now, added_by = COALESCE(added_by, '{Employees.AddedBy.Scim}')
        WHERE id = @Id
        """;

    public static async Task<ScimUser?> FindAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(SelectUser, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        return (await WithEmailsAsync(connection, transaction, [row], cancellationToken)).Single();
    }

    /// <summary>The users of <paramref name="rows"/>, in their order, each with their addresses: one query for all of them.</summary>
    public static async Task<IReadOnlyList<ScimUser>> WithEmailsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<UserRow> rows, CancellationToken cancellationToken)
    {
        var sql = SqlDialect.Of(connection);
        var emails = (await connection.QueryAsync<(string EmployeeId, string Address)>(new CommandDefinition(
                SelectEmails(sql), new { Ids = sql.List([.. rows.Select(r => r.Id)]) }, transaction, cancellationToken: cancellationToken)))
            .ToLookup(e => e.EmployeeId, e => e.Address, StringComparer.Ordinal);
        return [.. rows.Select(row => new ScimUser(row.Id, row.UserName, row.ExternalId, row.DisplayName, row.Team, row.Active, [.. emails[row.Id]], row.Created, row.LastModified))];
    }

    /// <summary>The one SCIM user that already has <paramref name="userName"/>, other than <paramref name="exceptId"/>: a 409 of kind uniqueness.</summary>
    public static async Task EnsureUniqueAsync(WriteScope write, string userName, string? exceptId)
    {
        if (await write.Connection.QuerySingleOrDefaultAsync<string>(write.Command(SelectByUserName, new { UserName = userName, Id = exceptId ?? "" })) is { } taken)
        {
            throw new Infrastructure.Errors.ConflictException($"The userName '{userName}' is taken by user '{taken}'.");
        }
    }

    /// <summary>
    /// Writes the user's fields onto employee <paramref name="id"/>, registers userName and the primary address as
    /// <c>email</c> identities (OpenID Connect sign-in finds people by them), and handles a change of <c>active</c>:
    /// deactivation leaves awards and events as they are; reactivation queues the employee for evaluation.
    /// </summary>
    public static async Task SaveAsync(WriteScope write, AuditTrail audit, DirectoryChanges directory, string id, IScimUserWrite user, string action, DateTimeOffset now)
    {
        var before = await write.Connection.QuerySingleAsync<BeforeRow>(write.Command(SelectBefore, new { Id = id }));
        var wasActive = before.Active;
        await write.Connection.ExecuteAsync(write.Command(Update, new { Id = id, user.DisplayName, user.Team, user.UserName, user.ExternalId, user.Active, Now = now }));
        directory.Changed(write, id);
        if (before.AddedBy is null)
        {
            // A new user, or an account an event created: a person now, whose reviews vouch from the next pass.
            await EvaluationQueue.EnqueueEveryoneAtNextPassAsync(write.Connection, write.Transaction, write.CancellationToken);
        }

        List<Identity> added = [];
        foreach (var address in EmailsOf(user))
        {
            var identity = new Identity("email", address);
            if (await IdentityMap.AddAsync(write.Connection, write.Transaction, id, identity, write.CancellationToken))
            {
                added.Add(identity);
            }
        }

        // Events a source sent under these addresses before anyone had them are this employee's now.
        await HeldEvents.ReleaseAsync(write.Connection, write.Transaction, added, now, write.CancellationToken);
        await audit.RecordAsync(write.Connection, write.Transaction, action, new { user.UserName, user.ExternalId, user.DisplayName, user.Team, user.Active, user.Email }, write.CancellationToken, id);

        var active = user.Active ?? wasActive;
        if (active == wasActive)
        {
            return;
        }

        await audit.RecordAsync(write.Connection, write.Transaction, active ? "employee.reactivated" : "employee.deactivated", new { user.UserName }, write.CancellationToken, id);
        if (active)
        {
            // What they did while deactivated was stored but not judged; evaluation judges it now, with the rest.
            await EvaluationQueue.EnqueueAsync(write.Connection, write.Transaction, [id], now, write.CancellationToken);
        }
    }

    /// <summary>userName when it is an address, and the primary address when it is another; lower case, as other sources send them.</summary>
    private static IEnumerable<string> EmailsOf(IScimUserWrite user) =>
        new[] { user.UserName, user.Email }
            .Where(address => address is not null && ScimUserWriteValidator.IsEmail(address))
            .Select(address => address!.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal);

    private sealed record BeforeRow
    {
        public bool Active { get; init; }
        public string? AddedBy { get; init; }
    }

    internal sealed record UserRow
    {
        public required string Id { get; init; }
        public required string UserName { get; init; }
        public string? ExternalId { get; init; }
        public string? DisplayName { get; init; }
        public string? Team { get; init; }
        public bool Active { get; init; }
        public DateTimeOffset Created { get; init; }
        public DateTimeOffset LastModified { get; init; }
    }
}
