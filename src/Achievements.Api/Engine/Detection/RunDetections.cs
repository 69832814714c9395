using Mediator;

namespace Achievements.Api.Engine.Detection;

/// <summary>Runs every gaming detector over everyone now (scoped runs also follow every evaluation pass).</summary>
internal sealed record RunDetections : ICommand<DetectionSummary>;

internal sealed class RunDetectionsHandler(DetectionRunner detections) : ICommandHandler<RunDetections, DetectionSummary>
{
    public async ValueTask<DetectionSummary> Handle(RunDetections command, CancellationToken cancellationToken) =>
        await detections.RunAsync(DetectionRefresh.Everyone, [], cancellationToken);
}
