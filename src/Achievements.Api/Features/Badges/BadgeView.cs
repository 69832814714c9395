namespace Achievements.Api.Features.Badges;

/// <summary>A badge as the API shows it: one version's definition with its badge's status.</summary>
internal sealed record BadgeView(
    string Key,
    string Name,
    string Description,
    string Icon,
    string Status,
    int Version,
    int? LiveVersion,
    string Metric,
    IReadOnlyList<string> Requires,
    IReadOnlyList<TierView> Tiers,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt,
    string? ExpiresAfter)
{
    public static BadgeView From(BadgeVersionRow row, IReadOnlyDictionary<string, int>? holders = null)
    {
        var definition = row.Definition();
        return new BadgeView(
            row.Key,
            definition.Name,
            definition.Description,
            definition.Icon,
            row.Status,
            (int)row.Version,
            (int?)row.LiveVersion,
            definition.Metric,
            definition.Requires,
            [.. definition.Tiers.Select(t => new TierView(t.Name!, t.Threshold, holders is null ? null : holders.GetValueOrDefault(t.Name!)))],
            row.CreatedAt,
            row.PublishedAt,
            definition.ExpiresAfter);
    }
}

internal sealed record TierView(string Name, double Threshold, int? Holders = null);
