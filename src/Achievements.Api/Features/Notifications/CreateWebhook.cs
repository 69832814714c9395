using System.Text.Json;
using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Notifications;

/// <summary>Subscribes a URL to notifications. The signing secret is in the response and is never shown again.</summary>
internal sealed record CreateWebhook(string? Url, IReadOnlyList<string>? Events, string? Format) : ICommand<CreatedWebhook>;

internal sealed record CreatedWebhook(long Id, string Url, IReadOnlyList<string> Events, string Format, string Secret);

/// <summary>How a subscription's deliveries are written: Standard Webhooks JSON, or a Slack incoming-webhook message.</summary>
internal static class WebhookFormat
{
    public const string Standard = "standard";
    public const string Slack = "slack";

    public static readonly IReadOnlyList<string> All = [Standard, Slack];
}

internal sealed class CreateWebhookValidator : AbstractValidator<CreateWebhook>
{
    public CreateWebhookValidator(IOptions<WebhookOptions> options)
    {
        RuleFor(x => x.Url).Must((_, url, context) =>
            {
                var refusal = WebhookAddress.Refusal(url, options.Value);
                context.MessageFormatter.AppendArgument("Refusal", refusal);
                return refusal is null;
            })
            .WithMessage("{Refusal}");
        RuleFor(x => x.Events)
            .NotEmpty().WithMessage($"events must name at least one of {string.Join(", ", NotificationType.All)}.");
        When(x => x.Events is { Count: > 0 }, () =>
        {
            RuleFor(x => x.Events)
                .Must(events => events!.All(NotificationType.All.Contains))
                .WithMessage(x => $"events must be among {string.Join(", ", NotificationType.All)}; '{string.Join("', '", x.Events!.Where(e => !NotificationType.All.Contains(e)))}' is not.");
            RuleFor(x => x.Events)
                .Must(events => events!.Distinct(StringComparer.Ordinal).Count() == events!.Count)
                .WithMessage("events must not name a type twice.");
        });
        RuleFor(x => x.Format)
            .Must(format => format is null || WebhookFormat.All.Contains(format))
            .WithMessage("format must be 'standard' or 'slack'.");
    }
}

internal sealed class CreateWebhookHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, WebhookSecrets secrets)
    : ICommandHandler<CreateWebhook, CreatedWebhook>
{
    private const string Insert = """
        INSERT INTO webhook_subscriptions (url, events, format, protected_secret, status, next_send_at, created_at, updated_at)
        VALUES (@Url, @Events, @Format, @ProtectedSecret, 'active', @Now, @Now, @Now)
        RETURNING id
        """;

    public async ValueTask<CreatedWebhook> Handle(CreateWebhook command, CancellationToken cancellationToken)
    {
        var secret = WebhookSecrets.Generate();
        var format = command.Format ?? WebhookFormat.Standard;
        var events = command.Events!;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var id = await connection.InTransactionAsync(async transaction =>
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert, new
            {
                command.Url,
                Events = JsonSerializer.Serialize(events),
                Format = format,
                ProtectedSecret = secrets.Protect(secret),
                Now = time.GetUtcNow(),
            }, transaction, cancellationToken: cancellationToken));
            // Neither the secret nor the whole URL is written to the audit log: a Slack webhook's path is a credential too.
            await audit.RecordAsync(connection, transaction, "webhook.created", new { id, Origin = new Uri(command.Url!).GetLeftPart(UriPartial.Authority), Events = events, Format = format }, cancellationToken);
            return id;
        }, cancellationToken);
        return new CreatedWebhook(id, command.Url!, events, format, secret);
    }
}
