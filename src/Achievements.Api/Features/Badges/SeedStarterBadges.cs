using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Seeds a new database with published starter badges, each passing the checker like any admin's badge.
/// A starter badge that exists (even archived) is left alone, so seeding never undoes an admin's decision.
/// </summary>
internal sealed record SeedStarterBadges : ICommand<int>;

internal sealed class SeedStarterBadgesHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<SeedStarterBadges, int>
{
    public static readonly IReadOnlyList<(string Key, BadgeDefinition Definition)> Starters =
    [
        ("merge-master", new BadgeDefinition("Merge Master", "Pull requests merged after someone else reviewed them, and not reverted, over the last year.", "🚀",
            "count(pr.merged, 365d)", [], [new("bronze", 10), new("silver", 50), new("gold", 200)])),
        // An accepted suggestion counts only once it shipped in a reviewed pull request of its author's that merged (the
        // signal's policy), so the badge rewards AI help that reached production, not an editor's own report of it.
        // A shipped suggestion is worth more than an accepted one, so fewer make a tier: a strong developer ships
        // about 130 in 90 days, a steady one about 40.
        ("suggestion-savant", new BadgeDefinition("Suggestion Savant", "AI suggestions you accepted that shipped in your own reviewed, merged pull requests over 90 days.", "💡",
            "count(suggestion.accepted, 90d)", [], [new("bronze", 25), new("silver", 100), new("gold", 400)])),
        // An approval counts once the merge it approved settled, so the last week of any window is still pending: a
        // reviewer of two pull requests a week that ship holds about 46 in 180 days, a light one of 0.4 a week about 9.
        ("trusted-reviewer", new BadgeDefinition("Trusted Reviewer", "Approvals of other people's pull requests over the last 180 days.", "🔍",
            "count(review.approved, 180d)", [], [new("bronze", 9), new("silver", 45), new("gold", 180)])),
        ("steady-shipper", new BadgeDefinition("Steady Shipper", "The longest run of consecutive weeks with a merged pull request, over the last year.", "📦",
            "streak(pr.merged, week, 365d)", [], [new("bronze", 4), new("silver", 12), new("gold", 26)])),
        ("frugal-builder", new BadgeDefinition("Frugal Builder", "Merged AI-assisted pull requests per million tokens over 90 days: results, not spend.", "🌱",
            "count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d)",
            ["count(pr.merged where ai_assisted == true, 90d) >= 5"], [new("bronze", 10), new("silver", 25), new("gold", 50)])),
    ];

    private const string InsertBadge = """
        INSERT INTO badges (key, status, live_version, created_at, updated_at)
        VALUES (@Key, 'published', 1, @Now, @Now)
        ON CONFLICT (key) DO NOTHING
        """;

    private const string MarkPublished = "UPDATE badge_versions SET published_at = @Now WHERE badge_key = @Key AND version = 1";

    public async ValueTask<int> Handle(SeedStarterBadges command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var catalog = (await SignalStore.LoadAsync(connection, cancellationToken, transaction)).ToRuleCatalog();
            var seeded = 0;
            foreach (var (key, definition) in Starters)
            {
                BadgeRules.Compile(key, 1, definition, catalog);
                if (await connection.ExecuteAsync(new CommandDefinition(InsertBadge, new { Key = key, Now = now }, transaction, cancellationToken: cancellationToken)) == 0)
                {
                    continue;
                }

                await BadgeVersions.InsertAsync(connection, transaction, key, 1, definition, now, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(MarkPublished, new { Key = key, Now = now }, transaction, cancellationToken: cancellationToken));
                await audit.RecordAsync(connection, transaction, "badge.published", new { version = 1, starter = true }, cancellationToken, badgeKey: key, actor: AuditTrail.System);
                // What the directory shows of published badges changed: every entry is re-read.
                directory.EveryoneChanged(new WriteScope(connection, transaction, afterCommit, cancellationToken));
                seeded++;
            }

            return seeded;
        }, cancellationToken);
    }
}
