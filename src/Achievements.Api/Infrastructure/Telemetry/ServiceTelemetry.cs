using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Achievements.Api.Infrastructure.Telemetry;

/// <summary>
/// The service's own instruments (docs/deployment.md, "Telemetry"): a Meter and an ActivitySource both named
/// <see cref="Name"/>. One per app, the Meter made by the app's <see cref="IMeterFactory"/>, so that two apps in one
/// process (the tests) count apart and a collector can tell them apart by the meter's scope.
/// </summary>
/// <remarks>
/// Nothing here costs more than an unobserved counter until something listens: OpenTelemetry's providers are
/// registered only when an OTLP endpoint is configured (<see cref="TelemetrySetup"/>), and dotnet-counters can listen too.
/// </remarks>
internal sealed class ServiceTelemetry : IDisposable
{
    public const string Name = "Achievements";

    private readonly IReadOnlySet<string> _countedStatuses;
    private readonly Counter<long> _eventsIngested;
    private readonly Counter<long> _employeesEvaluated;
    private readonly Histogram<double> _evaluationDuration;
    private readonly Counter<long> _directoryReads;

    // The queue as the last evaluation pass found it; null until a pass has run. Replaced whole, read whole.
    private volatile QueueReading? _queue;

    /// <param name="meters">The app's meter factory.</param>
    /// <param name="countedStatuses">
    /// The outcomes of an event that <c>achievements.events.ingested</c> counts, named by the composition root from
    /// ingestion's own constants (telemetry knows no feature); any other status an ingestion reports is not counted.
    /// </param>
    public ServiceTelemetry(IMeterFactory meters, IReadOnlySet<string> countedStatuses)
    {
        _countedStatuses = countedStatuses;
        var meter = meters.Create(Name);
        _eventsIngested = meter.CreateCounter<long>(
            "achievements.events.ingested", "{event}", "Events taken in, by source and by what became of each: accepted, duplicate, rejected, or unmapped (held until its people are mapped).");
        _employeesEvaluated = meter.CreateCounter<long>(
            "achievements.evaluation.employees", "{employee}", "Employees an evaluation pass judged.");
        _evaluationDuration = meter.CreateHistogram(
            "achievements.evaluation.duration", "s", "How long an evaluation pass took, from taking the queue to the detectors' end.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _directoryReads = meter.CreateCounter<long>(
            "achievements.directory.reads", "{read}", "Directory entries read, by whether the directory cache held them (hit) or the database was read (miss).");
        meter.CreateObservableGauge(
            "achievements.evaluation.queue.depth", () => Observe(queue => queue.Depth), "{employee}", "Employees queued for evaluation when the last pass began.");
        meter.CreateObservableGauge(
            "achievements.evaluation.lag", () => Observe(queue => queue.Lag.TotalSeconds), "s", "How long the oldest queued employee had waited when the last pass began.");
    }

    /// <summary>The evaluation passes' spans. A field, not a static, like the Meter: it is disposed with the app.</summary>
    public ActivitySource Source { get; } = new(Name);

    /// <summary>What became of each event of one request or delivery, once its transaction has committed.</summary>
    public void EventsIngested(string source, IEnumerable<string> statuses)
    {
        foreach (var status in statuses.Where(_countedStatuses.Contains).CountBy(status => status))
        {
            _eventsIngested.Add(status.Value, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("status", status.Key));
        }
    }

    public void DirectoryRead(bool cached) =>
        _directoryReads.Add(1, new KeyValuePair<string, object?>("cache", cached ? "hit" : "miss"));

    /// <summary>The queue as a pass found it: how many employees, and since when the oldest of them waits.</summary>
    public void QueueSeen(long depth, DateTimeOffset? oldestEnqueuedAt, DateTimeOffset now) =>
        _queue = new QueueReading(depth, oldestEnqueuedAt is { } oldest && oldest < now ? now - oldest : TimeSpan.Zero);

    /// <summary>Starts a pass's span and clock; dispose it when the pass ends, after <see cref="EvaluationPass.Evaluated"/> if it finished.</summary>
    public EvaluationPass StartEvaluationPass() => new(this, Source.StartActivity("evaluation.pass"), Stopwatch.GetTimestamp());

    public void Dispose() => Source.Dispose();

    private IEnumerable<Measurement<T>> Observe<T>(Func<QueueReading, T> value)
        where T : struct =>
        _queue is { } queue ? [new Measurement<T>(value(queue))] : [];

    private sealed record QueueReading(long Depth, TimeSpan Lag);

    /// <summary>One evaluation pass being measured.</summary>
    internal sealed class EvaluationPass(ServiceTelemetry telemetry, Activity? activity, long startedAt) : IDisposable
    {
        private bool _finished;

        public void Evaluated(int employees)
        {
            _finished = true;
            telemetry._employeesEvaluated.Add(employees);
            activity?.SetTag("achievements.employees", employees);
        }

        public void Dispose()
        {
            if (!_finished)
            {
                // Cancelled or failed: the worker logs why; the span only says that the pass did not finish.
                activity?.SetStatus(ActivityStatusCode.Error, "The evaluation pass did not finish.");
            }

            telemetry._evaluationDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
            activity?.Dispose();
        }
    }
}
