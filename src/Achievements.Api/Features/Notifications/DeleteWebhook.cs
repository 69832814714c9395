using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Features.Notifications;

/// <summary>Ends a subscription: nothing more is sent to it, and its deliveries, pending or not, go with it.</summary>
internal sealed record DeleteWebhook(long Id) : ICommand;

internal sealed class DeleteWebhookHandler(IDbConnectionFactory connections, AuditTrail audit) : ICommandHandler<DeleteWebhook>
{
    // Its deliveries go by ON DELETE CASCADE. A request in flight to it finishes, and its outcome updates nothing.
    private const string Delete = "DELETE FROM webhook_subscriptions WHERE id = @Id";

    public async ValueTask<Unit> Handle(DeleteWebhook command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.InTransactionAsync(async transaction =>
        {
            if (await connection.ExecuteAsync(new CommandDefinition(Delete, command, transaction, cancellationToken: cancellationToken)) == 0)
            {
                throw new NotFoundException("Webhook", command.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await audit.RecordAsync(connection, transaction, "webhook.deleted", new { command.Id }, cancellationToken);
            return true;
        }, cancellationToken);
        return Unit.Value;
    }
}
