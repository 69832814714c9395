using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Identities;

/// <summary>The identities that held events wait for, most events first: whom an admin should map next.</summary>
internal sealed record ListUnmapped : IQuery<IReadOnlyList<UnmappedIdentity>>;

internal sealed record UnmappedIdentity(string Provider, string Id, string? Login, int Events, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

internal sealed class ListUnmappedHandler(IDbConnectionFactory connections) : IQueryHandler<ListUnmapped, IReadOnlyList<UnmappedIdentity>>
{
    private const string SelectUnmapped = """
        SELECT provider AS Provider, identity_id AS Id, max(login) AS Login, count(*) AS Events,
               min(received_at) AS FirstSeen, max(received_at) AS LastSeen
        FROM unmapped_event_people
        GROUP BY provider, identity_id
        ORDER BY count(*) DESC, provider, identity_id
        """;

    public async ValueTask<IReadOnlyList<UnmappedIdentity>> Handle(ListUnmapped query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UnmappedRow>(new CommandDefinition(SelectUnmapped, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new UnmappedIdentity(r.Provider, r.Id, r.Login, (int)r.Events, r.FirstSeen, r.LastSeen))];
    }

    private sealed record UnmappedRow
    {
        public required string Provider { get; init; }
        public required string Id { get; init; }
        public string? Login { get; init; }
        public long Events { get; init; }
        public required DateTimeOffset FirstSeen { get; init; }
        public required DateTimeOffset LastSeen { get; init; }
    }
}
