using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Notifications;

/// <summary>A subscription's deliveries, newest first: at most <see cref="Limit"/> (100 unless asked).</summary>
internal sealed record ListWebhookDeliveries(long Id, int? Limit) : IQuery<IReadOnlyList<DeliveryView>>;

/// <summary>
/// One notification to one subscription. <c>id</c> is the <c>webhook-id</c> header, the same on every attempt;
/// <c>status</c> is <c>pending</c> (to be sent or retried at <c>nextAttemptAt</c>), <c>delivered</c>, <c>failed</c>
/// (every attempt failed, or the endpoint answered 410 Gone) or <c>cancelled</c> (its subscription was disabled).
/// </summary>
internal sealed record DeliveryView(
    string Id, string Type, string Status, int Attempts, int? LastStatusCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? NextAttemptAt);

internal sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveries>
{
    public ListWebhookDeliveriesValidator() =>
        RuleFor(x => x.Limit).InclusiveBetween(1, 1000).When(x => x.Limit is not null).WithMessage("limit must be 1-1000.");
}

internal sealed class ListWebhookDeliveriesHandler(IDbConnectionFactory connections) : IQueryHandler<ListWebhookDeliveries, IReadOnlyList<DeliveryView>>
{
    private const string Exists = "SELECT COUNT(*) FROM webhook_subscriptions WHERE id = @Id";

    private const string Select = """
        SELECT message_id AS Id, type AS Type, status AS Status, attempts AS Attempts, last_status_code AS LastStatusCode,
               last_error AS LastError, created_at AS CreatedAt, updated_at AS UpdatedAt, next_attempt_at AS NextAttemptAt
        FROM webhook_deliveries WHERE subscription_id = @Id ORDER BY id DESC LIMIT @Limit
        """;

    public async ValueTask<IReadOnlyList<DeliveryView>> Handle(ListWebhookDeliveries query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(Exists, query, cancellationToken: cancellationToken)) == 0)
        {
            throw new NotFoundException("Webhook", query.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Select, new { query.Id, Limit = query.Limit ?? 100 }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new DeliveryView(
            r.Id, r.Type, r.Status, (int)r.Attempts, (int?)r.LastStatusCode, r.LastError, r.CreatedAt, r.UpdatedAt, r.Status == DeliveryStatus.Pending ? r.NextAttemptAt : null))];
    }

    private sealed record Row
    {
        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string Status { get; init; }
        public long Attempts { get; init; }
        public long? LastStatusCode { get; init; }
        public string? LastError { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset NextAttemptAt { get; init; }
    }
}
