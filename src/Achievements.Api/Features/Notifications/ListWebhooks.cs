using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Notifications;

/// <summary>Every subscription, without its secret.</summary>
internal sealed record ListWebhooks : IQuery<IReadOnlyList<WebhookView>>;

/// <summary>A subscription as admins see it: <c>status</c> is <c>active</c>, or <c>disabled</c> once its endpoint answered 410 Gone.</summary>
internal sealed record WebhookView(long Id, string Url, IReadOnlyList<string> Events, string Format, string Status, string? DisabledReason, DateTimeOffset CreatedAt);

internal sealed class ListWebhooksHandler(IDbConnectionFactory connections) : IQueryHandler<ListWebhooks, IReadOnlyList<WebhookView>>
{
    private const string Select = """
        SELECT id AS Id, url AS Url, events AS Events, format AS Format, status AS Status, disabled_reason AS DisabledReason, created_at AS CreatedAt
        FROM webhook_subscriptions ORDER BY id
        """;

    public async ValueTask<IReadOnlyList<WebhookView>> Handle(ListWebhooks query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Select, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new WebhookView(r.Id, r.Url, JsonSerializer.Deserialize<string[]>(r.Events) ?? [], r.Format, r.Status, r.DisabledReason, r.CreatedAt))];
    }

    private sealed record Row
    {
        public long Id { get; init; }
        public required string Url { get; init; }
        public required string Events { get; init; }
        public required string Format { get; init; }
        public required string Status { get; init; }
        public string? DisabledReason { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }
}
