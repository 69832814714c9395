using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Ready once the database answers and every migration this build carries is applied, and not while the instance
/// shuts down: a load balancer asking <c>/health/ready</c> sends it nothing it would not finish.
/// </summary>
internal sealed class DatabaseHealthCheck(IDbConnectionFactory connections, MigrationRunner migrations, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The instance is shutting down.");
        }

        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            // The scripts are read once per app, not on every probe.
            var missing = await migrations.MissingAsync(connection, cancellationToken);
            return missing.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Migrations {string.Join(", ", missing)} are not applied.");
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", exception);
        }
    }
}
