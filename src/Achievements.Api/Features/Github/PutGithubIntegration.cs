using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Github;

/// <summary>Configures the GitHub webhook: the shared secret its deliveries are signed with, and whether unknown logins become employees.</summary>
internal sealed record PutGithubIntegration(string? WebhookSecret, bool? AutoCreateEmployees) : ICommand<GithubIntegrationView>;

/// <summary>What an admin sees of the integration: never the secret.</summary>
internal sealed record GithubIntegrationView(bool Configured, string WebhookUrl, bool AutoCreateEmployees);

internal sealed class PutGithubIntegrationValidator : AbstractValidator<PutGithubIntegration>
{
    public PutGithubIntegrationValidator()
    {
        // GitHub's own advice is a long random string; 16 characters is the least that is not guessable by hand.
        RuleFor(x => x.WebhookSecret).Must(s => s is { Length: >= 16 and <= 256 } && TextRules.IsDisplayable(s))
            .WithMessage("webhookSecret must be 16-256 characters without control characters: the secret set on the GitHub webhook.");
    }
}

internal sealed class PutGithubIntegrationHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, GithubIntegration integration)
    : ICommandHandler<PutGithubIntegration, GithubIntegrationView>
{
    public async ValueTask<GithubIntegrationView> Handle(PutGithubIntegration command, CancellationToken cancellationToken)
    {
        var autoCreate = command.AutoCreateEmployees ?? false;
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.InTransactionAsync(async transaction =>
        {
            await integration.WriteAsync(connection, transaction, command.WebhookSecret!, autoCreate, time.GetUtcNow(), cancellationToken);
            // The secret is never written to the audit log; that it changed is.
            await audit.RecordAsync(connection, transaction, "integration.github.configured", new { SecretChanged = true, AutoCreateEmployees = autoCreate }, cancellationToken);
            return true;
        }, cancellationToken);
        return new GithubIntegrationView(true, GithubIntegration.WebhookUrl, autoCreate);
    }
}
