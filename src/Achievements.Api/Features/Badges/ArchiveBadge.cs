using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Archiving stops evaluation and hides the badge and its awards from every read; unarchiving brings both
/// back as they were. Awards are kept, not deleted, so an archive is always reversible.
/// </summary>
internal sealed record ArchiveBadge(string Key, bool Archived) : ICommand<BadgeView>;

internal sealed class ArchiveBadgeHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<ArchiveBadge, BadgeView>
{
    private const string SetStatus = """
        UPDATE badges
        SET status = CASE WHEN @Archived = 1 THEN 'archived' WHEN live_version IS NULL THEN 'draft' ELSE 'published' END,
            updated_at = @Now
        WHERE key = @Key
        """;

    public async ValueTask<BadgeView> Handle(ArchiveBadge command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(SetStatus, new { command.Key, command.Archived, Now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            if (changed == 0)
            {
                throw new NotFoundException("Badge", command.Key);
            }

            await audit.RecordAsync(connection, transaction, command.Archived ? "badge.archived" : "badge.unarchived", new { }, cancellationToken, badgeKey: command.Key);
            // What the directory shows of published badges changed: every entry is re-read.
            directory.EveryoneChanged(new WriteScope(connection, transaction, afterCommit, cancellationToken));
            if (!command.Archived)
            {
                // Awards earned while archived were not evaluated; look at everyone again.
                await EvaluationQueue.EnqueueEveryoneAsync(connection, transaction, time.GetUtcNow(), cancellationToken);
            }

            return BadgeView.From((await BadgeVersions.FindAsync(connection, command.Key, null, cancellationToken, transaction))!);
        }, cancellationToken);
    }
}
