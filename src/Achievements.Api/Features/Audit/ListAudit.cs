using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Audit;

/// <summary>The audit log, newest first, optionally for one employee, one badge, or since a time.</summary>
internal sealed record ListAudit(string? Employee, string? Badge, DateTimeOffset? Since, int Limit) : IQuery<IReadOnlyList<AuditEntry>>;

internal sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string? Employee, string? Badge, JsonElement Details);

internal sealed class ListAuditValidator : AbstractValidator<ListAudit>
{
    public ListAuditValidator() => RuleFor(x => x.Limit).InclusiveBetween(1, 1000);
}

internal sealed class ListAuditHandler(IDbConnectionFactory connections) : IQueryHandler<ListAudit, IReadOnlyList<AuditEntry>>
{
    private const string SelectEntries = """
        SELECT id AS Id, at AS At, actor AS Actor, action AS Action, employee_id AS Employee, badge_key AS Badge, details AS Details
        FROM audit_log
        WHERE (@Employee IS NULL OR employee_id = @Employee)
          AND (@Badge IS NULL OR badge_key = @Badge)
          AND (@Since IS NULL OR at >= @Since)
        ORDER BY id DESC
        LIMIT @Limit
        """;

    public async ValueTask<IReadOnlyList<AuditEntry>> Handle(ListAudit query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(SelectEntries, query, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new AuditEntry(row.Id, row.At, row.Actor, row.Action, row.Employee, row.Badge, JsonSerializer.Deserialize<JsonElement>(row.Details)))];
    }

    private sealed record AuditRow
    {
        public long Id { get; init; }
        public DateTimeOffset At { get; init; }
        public required string Actor { get; init; }
        public required string Action { get; init; }
        public string? Employee { get; init; }
        public string? Badge { get; init; }
        public required string Details { get; init; }
    }
}
