using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Achievements.Api.Infrastructure.Telemetry;

/// <summary>
/// The service's traces, metrics and logs, exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// (or a signal's own <c>OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT</c>) is configured. Without one nothing of
/// OpenTelemetry's SDK is registered, so no span is made and no instrument is aggregated for nobody to read.
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>Npgsql 10 instruments itself under this name, for its spans and its meter alike.</summary>
    private const string Npgsql = "Npgsql";

    private static readonly string[] EndpointSettings =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"];

    /// <param name="builder">The app's builder.</param>
    /// <param name="countedIngestStatuses">What <see cref="ServiceTelemetry.EventsIngested"/> counts (see its constructor).</param>
    public static WebApplicationBuilder AddServiceTelemetry(this WebApplicationBuilder builder, IReadOnlySet<string> countedIngestStatuses)
    {
        builder.Services.AddSingleton(services => new ServiceTelemetry(services.GetRequiredService<IMeterFactory>(), countedIngestStatuses));
        if (!EndpointSettings.Any(setting => !string.IsNullOrWhiteSpace(builder.Configuration[setting])))
        {
            return builder;
        }

        // Read here rather than left to the SDK's detector, which a later AddService would override.
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : "achievements";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(Npgsql)
                .AddSource(ServiceTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Npgsql)
                .AddMeter(ServiceTelemetry.Name))
            // Every signal to the one endpoint, each at its own path; a signal's own endpoint setting overrides it.
            .UseOtlpExporter();
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeScopes = true;
            logging.IncludeFormattedMessage = true;
        });
        return builder;
    }
}
