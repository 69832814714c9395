using Achievements.Api.Engine.History;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// What publishing the latest draft would change: who would reach a higher tier than under the live version,
/// and who a lower one. Awards are durable, so a "loss" means no longer qualifying, not losing an award held.
/// </summary>
internal sealed record PreviewBadgeChange(string Key) : IQuery<BadgeChangePreview>;

internal sealed record BadgeChangePreview(int EvaluatedEmployees, int DraftVersion, int? LiveVersion, IReadOnlyList<TierChange> Gains, IReadOnlyList<TierChange> Losses);

internal sealed record TierChange(string Employee, string? From, string? To);

internal sealed class PreviewBadgeChangeHandler(IDbConnectionFactory connections, TimeProvider time) : IQueryHandler<PreviewBadgeChange, BadgeChangePreview>
{
    public async ValueTask<BadgeChangePreview> Handle(PreviewBadgeChange query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var latest = await BadgeVersions.FindLatestAsync(connection, query.Key, cancellationToken) ?? throw new NotFoundException("Badge", query.Key);
        var draft = BadgeRules.Compile(query.Key, (int)latest.Version, latest.Definition(), context.RuleCatalog);
        var live = latest.LiveVersion is { } liveVersion
            ? await BadgeVersions.FindAsync(connection, query.Key, (int)liveVersion, cancellationToken) is { } row
                ? BadgeCompiler.TryCompile(query.Key, (int)liveVersion, row.Definition(), context.RuleCatalog).Badge
                : null
            : null;

        var gains = new List<TierChange>();
        var losses = new List<TierChange>();
        var employees = await EvaluationContext.ActiveEmployeesAsync(connection, cancellationToken);
        foreach (var employee in employees)
        {
            var counted = (await context.LoadEmployeeAsync(connection, null, employee, cancellationToken))!.CountAsOf(now);
            var before = live is null ? -1 : context.Judge(live, counted, now).TierRank;
            var after = context.Judge(draft, counted, now).TierRank;
            var change = new TierChange(employee, live?.TierName(before), draft.TierName(after));
            (after > before ? gains : after < before ? losses : null)?.Add(change);
        }

        return new BadgeChangePreview(employees.Count, draft.Version, live?.Version, gains, losses);
    }
}
