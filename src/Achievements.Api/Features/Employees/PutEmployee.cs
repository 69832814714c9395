using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Employees;

/// <summary>Creates or updates an employee's directory entry. Bots are kept so that nothing they do ever counts.</summary>
/// <remarks>
/// Leaving <c>isBot</c> out keeps what is stored (false for a new employee): a bot never silently becomes a person.
/// Leaving <c>identities</c> out keeps the stored ones; a list replaces them, and the events held for them become the
/// employee's in the same transaction.
/// </remarks>
internal sealed record PutEmployee(string Id, string? DisplayName, string? Team, bool? IsBot, IReadOnlyList<Identity>? Identities = null) : ICommand<PutEmployeeResult>;

internal sealed record PutEmployeeResult(Employee Employee, bool Created);

internal sealed class PutEmployeeValidator : AbstractValidator<PutEmployee>
{
    public PutEmployeeValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Id).Must(EmployeeId.IsValid).WithMessage(EmployeeId.Rule);
        RuleFor(x => x.DisplayName).NotEmpty().MaximumLength(200).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Team).MaximumLength(100).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Identities).Must(list => list!.Count <= MaxIdentities).WithMessage($"An employee has at most {MaxIdentities} identities.")
            .Must(list => list!.DistinctBy(i => (i?.Provider, i?.Id)).Count() == list!.Count).WithMessage("Each identity (provider and id) may be listed once.")
            .Must(list => list!.Where(i => i?.Login is not null).DistinctBy(i => (i.Provider, i.Login!.ToUpperInvariant())).Count() == list!.Count(i => i?.Login is not null))
            .WithMessage("Each login may be listed once per provider.")
            .When(x => x.Identities is not null);
        RuleForEach(x => x.Identities).NotNull().SetValidator(new IdentityValidator());
    }

    public const int MaxIdentities = 20;
}

internal sealed class PutEmployeeHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<PutEmployee, PutEmployeeResult>
{
    // Insert-or-update in one transaction; an event may create the same employee concurrently. An admin puts them in
    // the directory: an account an event created becomes a person, and one another authority put there keeps its name.
    private const string Insert = $"""
        INSERT INTO employees (id, display_name, team, is_bot, created_at, updated_at, added_by)
        VALUES (@Id, @DisplayName, @Team, COALESCE(@IsBot, 0), @Now, @Now, '{AddedBy.Admin}')
        ON CONFLICT (id) DO NOTHING
        """;

    private const string Before = "SELECT is_bot AS IsBot, added_by AS AddedBy FROM employees WHERE id = @Id";

    private const string Update = $"""
        UPDATE employees SET display_name = @DisplayName, team = @Team, is_bot = COALESCE(@IsBot, is_bot), updated_at = @Now,
            added_by = COALESCE(added_by, '{AddedBy.Admin}')
        WHERE id = @Id
        RETURNING is_bot AS IsBot, added_by AS AddedBy
        """;

    public async ValueTask<PutEmployeeResult> Handle(PutEmployee command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = new { command.Id, command.DisplayName, command.Team, command.IsBot, Now = time.GetUtcNow() };
        var created = await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            // The directory entry shows the name and team: it is read again once this commits.
            directory.Changed(new WriteScope(connection, transaction, afterCommit, cancellationToken), command.Id!);
            if (await connection.ExecuteAsync(new CommandDefinition(Insert, row, transaction, cancellationToken: cancellationToken)) == 1)
            {
                await audit.RecordAsync(connection, transaction, "employee.created", new { command.DisplayName, command.Team, IsBot = command.IsBot ?? false, command.Identities }, cancellationToken, command.Id);
                var identities = await MapIdentitiesAsync(connection, transaction, command, row.Now, cancellationToken);
                // Their name may be in reviewers lists already (a reviewer needs no row): those reviews vouch now.
                await EvaluationQueue.EnqueueEveryoneAtNextPassAsync(connection, transaction, cancellationToken);
                return (Created: true, IsBot: command.IsBot ?? false, AddedBy: AddedBy.Admin, Identities: identities);
            }

            var before = await connection.QuerySingleAsync<DirectoryRow>(new CommandDefinition(Before, row, transaction, cancellationToken: cancellationToken));
            var after = await connection.QuerySingleAsync<DirectoryRow>(new CommandDefinition(Update, row, transaction, cancellationToken: cancellationToken));
            await audit.RecordAsync(connection, transaction, "employee.updated", new { command.DisplayName, command.Team, after.IsBot, command.Identities }, cancellationToken, command.Id);
            var mapped = await MapIdentitiesAsync(connection, transaction, command, row.Now, cancellationToken);
            if (after.IsBot != before.IsBot)
            {
                // A bot is no independent reviewer: whom it reviewed may now count differently, so everyone is looked at again.
                await EvaluationQueue.EnqueueEveryoneAsync(connection, transaction, row.Now, cancellationToken);
                await EvaluationQueue.EnqueueAsync(connection, transaction, [command.Id], row.Now, cancellationToken);
            }
            else if (before.AddedBy is null)
            {
                // An account an event created is a person now: the reviews it gave vouch from the next pass.
                await EvaluationQueue.EnqueueEveryoneAtNextPassAsync(connection, transaction, cancellationToken);
            }

            return (Created: false, after.IsBot, after.AddedBy, Identities: mapped);
        }, cancellationToken);
        return new PutEmployeeResult(new Employee(command.Id, command.DisplayName, command.Team, created.IsBot, created.Identities, created.AddedBy), created.Created);
    }

    /// <summary>
    /// Replaces the employee's identities when the request lists them, and stores the events held for them that now
    /// have all their people; ingestion's store queues whom they concern. Returns the identities the employee has.
    /// </summary>
    private static async Task<IReadOnlyList<Identity>> MapIdentitiesAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, PutEmployee command, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (command.Identities is { } identities)
        {
            await IdentityMap.ReplaceAsync(connection, transaction, command.Id, identities, cancellationToken);
            await HeldEvents.ReleaseAsync(connection, transaction, identities, now, cancellationToken);
        }

        return await IdentityMap.OfAsync(connection, transaction, command.Id, cancellationToken);
    }

    private sealed record DirectoryRow
    {
        public bool IsBot { get; init; }
        public string? AddedBy { get; init; }
    }
}
