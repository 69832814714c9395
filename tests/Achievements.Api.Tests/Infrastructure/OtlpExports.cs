using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// OTLP/HTTP protobuf bodies written by the OpenTelemetry .NET SDK's own exporter, an encoder independent of the
/// service's decoder: what an AI coding tool's exporter sends, captured instead of sent.
/// </summary>
public static class OtlpExports
{
    private static readonly Uri Collector = new("http://collector.invalid");

    /// <summary>The bodies of the exports of <paramref name="records"/>, one each: an event name and its attributes, with the resource attributes.</summary>
    public static IReadOnlyList<byte[]> Logs(IReadOnlyDictionary<string, object> resource, params (string EventName, KeyValuePair<string, object?>[] Attributes)[] records)
    {
        var capture = new Capture();
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(resource));
            options.AddOtlpExporter(exporter => Configure(exporter, "/v1/logs", capture));
        })))
        {
            var logger = factory.CreateLogger("ai-tool");
            foreach (var (eventName, attributes) in records)
            {
                logger.Log(LogLevel.Information, new EventId(1, eventName), attributes, null, (_, _) => eventName);
            }
        }

        return capture.All();
    }

    /// <summary>The body of one export of a delta counter's increments, each with its attributes.</summary>
    public static byte[] Counter(IReadOnlyDictionary<string, object> resource, string name, params (long Value, KeyValuePair<string, object?>[] Tags)[] increments) =>
        Counter(resource, name, MetricReaderTemporalityPreference.Delta, increments);

    /// <summary>The body of one export of a counter, as increments (delta) or running totals (cumulative).</summary>
    public static byte[] Counter(IReadOnlyDictionary<string, object> resource, string name, MetricReaderTemporalityPreference temporality, params (long Value, KeyValuePair<string, object?>[] Tags)[] increments)
    {
        var capture = new Capture();
        using var meter = new Meter($"ai-tool-{Guid.NewGuid():N}");
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(resource))
            .AddMeter(meter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, "/v1/metrics", capture);
                reader.TemporalityPreference = temporality;
            })
            .Build())
        {
            var counter = meter.CreateCounter<long>(name);
            foreach (var (value, tags) in increments)
            {
                counter.Add(value, tags);
            }

            provider.ForceFlush();
        }

        return capture.First();
    }

    /// <summary>
    /// An Export…ServiceResponse in protobuf, read by field number as any exporter reads it: partial_success = 1, with
    /// the rejected count = 1 and error_message = 2; null when the answer has no partial success.
    /// </summary>
    public static (long Rejected, string Message)? PartialSuccess(byte[] response)
    {
        var input = new Google.Protobuf.CodedInputStream(response);
        (long Rejected, string Message)? partial = null;
        while (input.ReadTag() is var tag and not 0)
        {
            if (tag >> 3 != 1)
            {
                input.SkipLastField();
                continue;
            }

            var inner = new Google.Protobuf.CodedInputStream(input.ReadBytes().ToByteArray());
            long rejected = 0;
            var message = "";
            while (inner.ReadTag() is var field and not 0)
            {
                switch (field >> 3)
                {
                    case 1:
                        rejected = inner.ReadInt64();
                        break;
                    case 2:
                        message = inner.ReadString();
                        break;
                    default:
                        inner.SkipLastField();
                        break;
                }
            }

            partial = (rejected, message);
        }

        return partial;
    }

    private static void Configure(OtlpExporterOptions exporter, string path, Capture capture)
    {
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = new Uri(Collector, path);
        exporter.ExportProcessorType = ExportProcessorType.Simple;
        exporter.HttpClientFactory = () => new HttpClient(capture);
    }

    /// <summary>Keeps each request's body and answers 200, as a collector would.</summary>
    private sealed class Capture : HttpMessageHandler
    {
        private readonly List<byte[]> _bodies = [];

        public IReadOnlyList<byte[]> All()
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }

        public byte[] First()
        {
            lock (_bodies)
            {
                return _bodies.Count > 0 ? _bodies[0] : throw new InvalidOperationException("Nothing was exported.");
            }
        }

        // The exporter sends synchronously.
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var body = new MemoryStream();
            request.Content!.CopyTo(body, null, cancellationToken);
            lock (_bodies)
            {
                _bodies.Add(body.ToArray());
            }

            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}
