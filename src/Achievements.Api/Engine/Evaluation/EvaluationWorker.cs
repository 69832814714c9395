using Microsoft.Extensions.Options;

namespace Achievements.Api.Engine.Evaluation;

internal sealed class EvaluationOptions
{
    /// <summary>Whether the background worker runs; tests switch it off and call POST /api/v1/evaluations.</summary>
    public bool Background { get; set; } = true;

    /// <summary>How often the worker drains the queue and sweeps for settled outcomes.</summary>
    public double IntervalSeconds { get; set; } = 2;
}

/// <summary>Drains the evaluation queue every few seconds, so accepted events become awards without anyone asking.</summary>
internal sealed class EvaluationWorker(EvaluationRunner runner, IOptions<EvaluationOptions> options, TimeProvider time, ILogger<EvaluationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.IntervalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var summary = await runner.RunAsync(stoppingToken);
                if (summary.Employees > 0)
                {
                    logger.LogInformation("Evaluated {Employees} employees: {Granted} granted, {Upgraded} upgraded, {Downgraded} downgraded, {Revoked} revoked, {Expired} expired",
                        summary.Employees, summary.Granted, summary.Upgraded, summary.Downgraded, summary.Revoked, summary.Expired);
                }

                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Any failure, not only the database's: an exception escaping a BackgroundService stops the whole
                // host, and the API must keep answering. The queue is durable: what failed is tried again next round.
                logger.LogError(exception, "Evaluation failed; retrying in {Interval}", interval);
                await Task.Delay(interval, time, stoppingToken);
            }
        }
    }
}
