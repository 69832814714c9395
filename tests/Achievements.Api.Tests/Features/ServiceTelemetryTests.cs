using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Achievements.Api.Infrastructure.Telemetry;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// The service's own metrics and spans, as a collector in this process receives them. The collectors listen to one
/// app's meter (by its <see cref="IMeterFactory"/> scope) and one app's activity source, so the apps other tests run
/// meanwhile in the same process are not counted.
/// </summary>
public sealed class ServiceTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = AchievementsApp.Start;

    [Fact]
    public async Task Posted_events_are_counted_by_source_and_by_what_became_of_each()
    {
        await using var app = new AchievementsApp();
        using var ingested = Collect<long>(app, "achievements.events.ingested");
        var source = await app.Source("gitlab");

        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("e1", "ada", Now.AddDays(-1)),
            SampleEvents.TokensConsumed("e2", "ada", Now.AddHours(-1))));
        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("e1", "ada", Now.AddDays(-1)),
            new Dictionary<string, object?> { ["id"] = "e3", ["type"] = "no.such.signal", ["actor"] = "ada", ["occurredAt"] = SampleEvents.Rfc3339(Now) }));

        var counted = ingested.GetMeasurementSnapshot()
            .GroupBy(m => ((string)m.Tags["source"]!, (string)m.Tags["status"]!))
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(
            new Dictionary<(string, string), long> { [("gitlab", "accepted")] = 2, [("gitlab", "duplicate")] = 1, [("gitlab", "rejected")] = 1 },
            counted);
    }

    [Fact]
    public async Task A_directory_read_is_a_miss_and_the_same_read_again_a_hit()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)));
        using var reads = Collect<long>(app, "achievements.directory.reads");

        await app.BadgesOfAsync("ada");
        await app.BadgesOfAsync("ada");

        Assert.Equal(["miss", "hit"], reads.GetMeasurementSnapshot().Select(m => (string)m.Tags["cache"]!));
    }

    [Fact]
    public async Task An_evaluation_pass_records_the_queue_it_found_whom_it_evaluated_and_its_span()
    {
        await using var app = new AchievementsApp();
        var telemetry = app.Services.GetRequiredService<ServiceTelemetry>();
        using var depth = Collect<long>(app, "achievements.evaluation.queue.depth");
        using var lag = Collect<double>(app, "achievements.evaluation.lag");
        using var employees = Collect<long>(app, "achievements.evaluation.employees");
        using var duration = Collect<double>(app, "achievements.evaluation.duration");
        var passes = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, telemetry.Source),
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = passes.Add,
        };
        ActivitySource.AddActivityListener(listener);

        // Nothing is reported before a pass has looked at the queue.
        depth.RecordObservableInstruments();
        Assert.Empty(depth.GetMeasurementSnapshot());

        var source = await app.Source();
        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("e1", "ada", Now.AddDays(-1)),
            SampleEvents.PrMerged("e2", "bo", Now.AddDays(-1))));
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await app.EvaluateAsync();

        depth.RecordObservableInstruments();
        lag.RecordObservableInstruments();
        Assert.Equal(2, depth.LastMeasurement!.Value);
        Assert.Equal(30, lag.LastMeasurement!.Value, precision: 3);
        Assert.Equal(2, employees.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.InRange(Assert.Single(duration.GetMeasurementSnapshot()).Value, 0, 60);
        var pass = Assert.Single(passes);
        Assert.Equal("evaluation.pass", pass.OperationName);
        Assert.Equal(2, pass.GetTagItem("achievements.employees"));
        Assert.NotEqual(ActivityStatusCode.Error, pass.Status);
    }

    /// <summary>
    /// With an OTLP endpoint configured, OpenTelemetry's providers are registered and read the service's meter and
    /// ASP.NET Core's; an in-memory exporter stands beside the OTLP one (whose endpoint here answers nobody).
    /// The provider listens to every meter of the name in the process, so only this test's own source is asserted.
    /// </summary>
    [Fact]
    public async Task With_an_otlp_endpoint_configured_the_providers_export_the_service_metrics_and_request_spans()
    {
        var metrics = new List<MetricSnapshot>();
        var spans = new List<Activity>();
        await using var app = new AchievementsApp();
        await using var configured = app.WithWebHostBuilder(host =>
        {
            host.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
            host.ConfigureTestServices(services =>
            {
                services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics));
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
            });
        });
        var admin = configured.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AchievementsApp.AdminKey);
        var key = await (await admin.PostAsJsonAsync("/api/v1/keys", new { role = "source", subject = "telemetry-wiring" }, Ct)).Content.ReadFromJsonAsync<AchievementsApp.CreatedKeyBody>(Ct);
        var source = configured.CreateClient();
        source.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key!.Key);

        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)));
        configured.Services.GetRequiredService<MeterProvider>().ForceFlush();
        configured.Services.GetRequiredService<TracerProvider>().ForceFlush();
        // The exporters add from the providers' own threads (the periodic metric reader, the batch span processor):
        // stopped first, so that the lists are read after the last export rather than during one.
        await configured.DisposeAsync();

        var ingested = metrics.Last(m => m.Name == "achievements.events.ingested");
        Assert.Equal("{event}", ingested.Unit);
        Assert.Contains(ingested.MetricPoints, point => Tags(point) is { } tags
            && tags.GetValueOrDefault("source") as string == "telemetry-wiring" && tags.GetValueOrDefault("status") as string == "accepted"
            && point.GetSumLong() == 1);
        Assert.Contains(metrics, m => m.Name == "http.server.request.duration");
        Assert.Contains(spans, span => span.Kind == ActivityKind.Server && span.GetTagItem("http.route") as string == "/api/v1/events");
    }

    private static MetricCollector<T> Collect<T>(AchievementsApp app, string instrument)
        where T : struct =>
        new(app.Services.GetRequiredService<IMeterFactory>(), ServiceTelemetry.Name, instrument);

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }
}
