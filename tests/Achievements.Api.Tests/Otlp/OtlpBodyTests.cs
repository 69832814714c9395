using Achievements.Api.Features.Otlp;
using Achievements.Api.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace Achievements.Api.Tests.Otlp;

/// <summary>
/// OTLP export bodies read into records: the official OTLP/JSON examples (../shared/fixtures/otel) and protobuf
/// written by the OpenTelemetry .NET SDK's own exporter.
/// </summary>
public sealed class OtlpBodyTests
{
    private static byte[] Fixture(string name) => SharedFixtures.Read("otel", name);

    [Fact]
    public void The_OTLP_JSON_log_example_reads_with_its_resource_attributes_every_value_kind_and_map_entries_as_dotted_keys()
    {
        var record = Assert.Single(OtlpBody.Logs(Fixture("logs.json"), protobuf: false));

        Assert.Equal(new DateTimeOffset(2018, 12, 13, 14, 51, 0, 300, TimeSpan.Zero), record.Time);
        Assert.Equal("my.service", record.Text("service.name"));
        Assert.Equal("some string", record.Text("string.attribute"));
        Assert.Equal(true, record.Attributes["boolean.attribute"]);
        Assert.Equal(10d, record.Number("int.attribute"));
        Assert.Equal(637.704, record.Number("double.attribute"));
        Assert.Equal("some value", record.Text("map.attribute.some.map.key"));
    }

    [Fact]
    public void An_event_record_is_named_by_its_event_name_and_carries_its_scope_s_attributes()
    {
        var record = Assert.Single(OtlpBody.Logs(Fixture("events.json"), protobuf: false));

        Assert.Equal("browser.page_view", record.Name);
        Assert.Equal("some scope attribute", record.Text("my.scope.attribute"));
        Assert.Equal("some event attribute", record.Text("event.attribute"));
    }

    [Fact]
    public void The_OTLP_JSON_metrics_example_gives_sums_and_gauges_their_values_and_histograms_none()
    {
        var records = OtlpBody.Metrics(Fixture("metrics.json"), protobuf: false);

        Assert.Equal(["my.counter 5", "my.gauge 10", "my.histogram -", "my.exponential.histogram -"], records.Select(r => $"{r.Name} {r.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"));
    }

    [Fact]
    public void Protobuf_from_the_OpenTelemetry_SDK_reads_as_the_same_records()
    {
        var body = Assert.Single(OtlpExports.Logs(
            new Dictionary<string, object> { ["service.name"] = "claude-code", ["user.email"] = "Ada@Example.com" },
            ("claude_code.api_request", [new("model", "claude-sonnet-4-5"), new("input_tokens", 1200L), new("cost_usd", 0.0125), new("event.name", "api_request")])));

        var record = Assert.Single(OtlpBody.Logs(body, protobuf: true));

        Assert.Equal("claude_code.api_request", record.Name);
        Assert.Equal("Ada@Example.com", record.Text("user.email"));
        Assert.Equal("claude-sonnet-4-5", record.Text("model"));
        Assert.Equal(1200d, record.Number("input_tokens"));
        Assert.Equal(0.0125, record.Number("cost_usd"));
        Assert.NotNull(record.Time);

        var metric = OtlpExports.Counter(new Dictionary<string, object> { ["user.email"] = "ada@example.com" }, "claude_code.lines_of_code.count", (12, [new("type", "added")]));
        var point = Assert.Single(OtlpBody.Metrics(metric, protobuf: true));
        Assert.Equal("claude_code.lines_of_code.count 12 added", $"{point.Name} {point.Value} {point.Text("type")}");
        Assert.False(point.Cumulative);
    }

    [Fact]
    public void A_sum_s_temporality_is_read_from_protobuf_and_JSON()
    {
        var totals = OtlpExports.Counter(new Dictionary<string, object> { ["user.email"] = "ada@example.com" }, "gemini_cli.token.usage", MetricReaderTemporalityPreference.Cumulative, (300, [new("type", "input")]));
        Assert.True(Assert.Single(OtlpBody.Metrics(totals, protobuf: true)).Cumulative);

        // The fixture's counter is a delta sum (aggregationTemporality 1); the same with 2 is cumulative.
        var fixture = System.Text.Encoding.UTF8.GetString(SharedFixtures.Read("otel", "metrics.json"));
        Assert.False(OtlpBody.Metrics(System.Text.Encoding.UTF8.GetBytes(fixture), protobuf: false).Single(r => r.Name == "my.counter").Cumulative);
        var cumulative = fixture.Replace("\"aggregationTemporality\": 1,\n                \"isMonotonic\"", "\"aggregationTemporality\": 2,\n                \"isMonotonic\"", StringComparison.Ordinal);
        Assert.NotEqual(fixture, cumulative);
        Assert.True(OtlpBody.Metrics(System.Text.Encoding.UTF8.GetBytes(cumulative), protobuf: false).Single(r => r.Name == "my.counter").Cumulative);
    }

    [Theory]
    [InlineData("not json", false)]
    [InlineData("[1,2]", false)]
    [InlineData("{\"resourceLogs\":{}}", false)]
    [InlineData("\u0008\u0096\u0001not a message", true)]
    public void A_body_that_is_not_an_OTLP_export_is_refused(string body, bool protobuf) =>
        Assert.Throws<NotOtlpException>(() => OtlpBody.Logs(System.Text.Encoding.Latin1.GetBytes(body), protobuf));
}
