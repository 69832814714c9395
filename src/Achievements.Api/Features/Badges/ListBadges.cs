using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Lists badges by status: published (the default, for everyone), or draft, archived or all (admins only).
/// A published badge shows its live version; the others their latest.
/// </summary>
internal sealed record ListBadges(string Status) : IQuery<IReadOnlyList<BadgeView>>;

internal sealed class ListBadgesValidator : AbstractValidator<ListBadges>
{
    public ListBadgesValidator() =>
        RuleFor(x => x.Status).Must(s => s is BadgeStatus.Published or BadgeStatus.Draft or BadgeStatus.Archived or "all")
            .WithMessage("status is published, draft, archived or all.");
}

internal sealed class ListBadgesHandler(IDbConnectionFactory connections) : IQueryHandler<ListBadges, IReadOnlyList<BadgeView>>
{
    private const string SelectBadges = """
        SELECT b.key AS Key, b.status AS Status, b.live_version AS LiveVersion, v.version AS Version, v.name AS Name,
               v.description AS Description, v.icon AS Icon, v.metric AS Metric, v.requires AS Requires, v.tiers AS Tiers,
               v.created_at AS CreatedAt, v.published_at AS PublishedAt, v.expires_after AS ExpiresAfter
        FROM badges b
        JOIN badge_versions v ON v.badge_key = b.key
         AND v.version = CASE WHEN b.status = 'published' THEN b.live_version
                              ELSE (SELECT MAX(version) FROM badge_versions WHERE badge_key = b.key) END
        WHERE @Status = 'all' OR b.status = @Status
        ORDER BY b.key
        """;

    public async ValueTask<IReadOnlyList<BadgeView>> Handle(ListBadges query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<BadgeVersionRow>(new CommandDefinition(SelectBadges, query, cancellationToken: cancellationToken));
        return [.. rows.Select(row => BadgeView.From(row))];
    }
}
