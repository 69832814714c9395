using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Gaming;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Makes the latest version live and queues every employee for re-evaluation against it. The rule is compiled
/// again against today's catalog (a draft saved before a catalog change must still pass the checker) and run
/// through the adversarial gate: if any farming persona's farming would raise an active tier above what its genuine
/// work alone earns, publishing is refused.
/// </summary>
internal sealed record PublishBadge(string Key) : ICommand<BadgeView>;

internal sealed class PublishBadgeHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory, AdversarialGate gate) : ICommandHandler<PublishBadge, BadgeView>
{
    private const string Publish = """
        UPDATE badges SET status = 'published', live_version = @Version, updated_at = @Now WHERE key = @Key;
        UPDATE badge_versions SET published_at = @Now WHERE badge_key = @Key AND version = @Version AND published_at IS NULL;
        """;

    public async ValueTask<BadgeView> Handle(PublishBadge command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);

        // The gate takes a moment, so it runs before the write transaction, which then checks nothing moved.
        var latest = await BadgeVersions.FindLatestAsync(connection, command.Key, cancellationToken) ?? throw new NotFoundException("Badge", command.Key);
        if (latest.Status == BadgeStatus.Archived)
        {
            throw new ConflictException($"'{command.Key}' is archived; unarchive it before publishing a new version.");
        }

        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);
        var badge = BadgeRules.Compile(command.Key, (int)latest.Version, latest.Definition(), catalog.ToRuleCatalog());
        var beaten = gate.Run([badge], catalog, now).Beaten;
        if (beaten.Count > 0)
        {
            // Each persona once in the detail, by its first employee the farming raised; every one in the list.
            var raised = beaten.GroupBy(v => v.Persona).Select(g => $"{g.Key}'s farming earns {g.First().Tier} where its genuine work alone earns {g.First().GenuineTier ?? "nothing"}");
            throw new UnprocessableException(
                $"Publishing '{command.Key}' is refused: {string.Join("; ", raised)}.",
                new Dictionary<string, object?> { ["personas"] = beaten.Select(v => new { v.Persona, v.Employee, v.Badge, v.Tier, v.GenuineTier }).ToList() });
        }

        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            // The latest version is read, then published: no new version may be saved in between, on any instance.
            await SqlDialect.TakeTurnAsync(connection, transaction, $"badge.{command.Key}", cancellationToken);
            var current = await BadgeVersions.FindLatestAsync(connection, command.Key, cancellationToken, transaction);
            if (current?.Version != latest.Version)
            {
                throw new ConflictException($"A newer version of '{command.Key}' was saved while publishing; publish again to check it.");
            }

            await connection.ExecuteAsync(new CommandDefinition(Publish, new { command.Key, latest.Version, Now = now }, transaction, cancellationToken: cancellationToken));
            await EvaluationQueue.EnqueueEveryoneAsync(connection, transaction, now, cancellationToken);
            await audit.RecordAsync(connection, transaction, "badge.published", new { version = latest.Version }, cancellationToken, badgeKey: command.Key);
            // What the directory shows of published badges changed: every entry is re-read.
            directory.EveryoneChanged(new WriteScope(connection, transaction, afterCommit, cancellationToken));
            return BadgeView.From((await BadgeVersions.FindLatestAsync(connection, command.Key, cancellationToken, transaction))!);
        }, cancellationToken);
    }
}
