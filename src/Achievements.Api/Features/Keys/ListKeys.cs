using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Keys;

/// <summary>Lists keys without their secrets (which are not stored), revoked ones last.</summary>
internal sealed record ListKeys : IQuery<IReadOnlyList<KeySummary>>;

internal sealed record KeySummary
{
    public required string Id { get; init; }
    public required string Role { get; init; }
    public string? Subject { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

internal sealed class ListKeysHandler(IDbConnectionFactory connections) : IQueryHandler<ListKeys, IReadOnlyList<KeySummary>>
{
    private const string SelectKeys = """
        SELECT id AS Id, role AS Role, subject AS Subject, created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_keys
        ORDER BY revoked_at IS NOT NULL, created_at, id
        """;

    public async ValueTask<IReadOnlyList<KeySummary>> Handle(ListKeys query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var keys = await connection.QueryAsync<KeySummary>(new CommandDefinition(SelectKeys, cancellationToken: cancellationToken));
        return keys.AsList();
    }
}
