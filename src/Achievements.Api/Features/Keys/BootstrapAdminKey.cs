using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Keys;

/// <summary>
/// Makes sure somebody can administer a new installation: with no configured admin key and no admin key
/// in the database, creates one and returns it so that start-up can print it, once.
/// </summary>
internal sealed record BootstrapAdminKey : ICommand<CreatedKey?>;

internal sealed class BootstrapAdminKeyHandler(IDbConnectionFactory connections, IOptions<ApiKeyOptions> options, IMediator mediator)
    : ICommandHandler<BootstrapAdminKey, CreatedKey?>
{
    private const string CountAdminKeys = "SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL";

    public async ValueTask<CreatedKey?> Handle(BootstrapAdminKey command, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.AdminKey))
        {
            return null;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        var admins = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountAdminKeys, cancellationToken: cancellationToken));
        return admins > 0 ? null : await mediator.Send(new CreateKey("admin", "bootstrap"), cancellationToken);
    }
}
