using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Api.Features.Github;

internal sealed record GetGithubIntegration : IQuery<GithubIntegrationView>;

internal sealed class GetGithubIntegrationHandler(IDbConnectionFactory connections, GithubIntegration integration) : IQueryHandler<GetGithubIntegration, GithubIntegrationView>
{
    public async ValueTask<GithubIntegrationView> Handle(GetGithubIntegration query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var settings = await integration.ReadAsync(connection, null, cancellationToken);
        return new GithubIntegrationView(settings is not null, GithubIntegration.WebhookUrl, settings?.AutoCreateEmployees ?? false);
    }
}
