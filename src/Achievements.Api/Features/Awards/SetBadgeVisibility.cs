using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// An employee shows or hides one of their badges in the directory: its JSON, its SVG, its card and the badge's
/// holders. It stays in their own progress, and it is still earned, upgraded and revoked as before. A badge may be
/// hidden before it is earned, so that it never shows.
/// </summary>
internal sealed record SetBadgeVisibility(string EmployeeId, string BadgeKey, bool? Visible) : ICommand<BadgeVisibility>;

internal sealed record BadgeVisibility(string Employee, string Badge, bool Visible);

internal sealed class SetBadgeVisibilityValidator : AbstractValidator<SetBadgeVisibility>
{
    public SetBadgeVisibilityValidator() =>
        RuleFor(x => x.Visible).NotNull().WithMessage("visible is true to show the badge in the directory, false to hide it.");
}

internal sealed class SetBadgeVisibilityHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory)
    : ICommandHandler<SetBadgeVisibility, BadgeVisibility>
{
    private const string EmployeeExists = "SELECT COUNT(*) FROM employees WHERE id = @EmployeeId";

    private const string BadgeIsPublished = "SELECT COUNT(*) FROM badges WHERE key = @BadgeKey AND status = 'published'";

    private const string Hide = """
        INSERT INTO hidden_badges (employee_id, badge_key, hidden_at) VALUES (@EmployeeId, @BadgeKey, @Now)
        ON CONFLICT (employee_id, badge_key) DO NOTHING
        """;

    private const string Show = "DELETE FROM hidden_badges WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey";

    public async ValueTask<BadgeVisibility> Handle(SetBadgeVisibility command, CancellationToken cancellationToken)
    {
        var visible = command.Visible!.Value;
        var parameters = new { command.EmployeeId, command.BadgeKey, Now = time.GetUtcNow() };
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            if (await connection.ExecuteScalarAsync<long>(write.Command(EmployeeExists, parameters)) == 0)
            {
                throw new NotFoundException("Employee", command.EmployeeId);
            }

            if (await connection.ExecuteScalarAsync<long>(write.Command(BadgeIsPublished, parameters)) == 0)
            {
                throw new NotFoundException("Badge", command.BadgeKey);
            }

            // Recorded and told only when something changed: saying the same twice is not a change.
            if (await connection.ExecuteAsync(write.Command(visible ? Show : Hide, parameters)) > 0)
            {
                await audit.RecordAsync(connection, transaction, visible ? "badge.shown" : "badge.hidden", new { }, cancellationToken, command.EmployeeId, command.BadgeKey);
                directory.Changed(write, command.EmployeeId);
            }

            return true;
        }, cancellationToken);
        return new BadgeVisibility(command.EmployeeId, command.BadgeKey, visible);
    }
}
