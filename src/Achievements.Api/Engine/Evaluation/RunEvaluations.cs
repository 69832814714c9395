using Mediator;

namespace Achievements.Api.Engine.Evaluation;

/// <summary>Evaluates everything pending now and returns when done; tests and operators use it instead of waiting.</summary>
internal sealed record RunEvaluations : ICommand<EvaluationSummary>;

internal sealed class RunEvaluationsHandler(EvaluationRunner runner) : ICommandHandler<RunEvaluations, EvaluationSummary>
{
    public async ValueTask<EvaluationSummary> Handle(RunEvaluations command, CancellationToken cancellationToken) =>
        await runner.RunAsync(cancellationToken);
}
