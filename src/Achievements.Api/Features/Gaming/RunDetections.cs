using Mediator;

namespace Achievements.Api.Features.Gaming;

/// <summary>Runs the gaming detectors now (they also run after every evaluation pass).</summary>
internal sealed record RunDetections : ICommand<DetectionSummary>;

internal sealed class RunDetectionsHandler(DetectionRunner detections) : ICommandHandler<RunDetections, DetectionSummary>
{
    public async ValueTask<DetectionSummary> Handle(RunDetections command, CancellationToken cancellationToken) =>
        await detections.RunAsync(cancellationToken);
}
