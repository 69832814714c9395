using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace Achievements.Api.Tests.Otlp;

/// <summary>
/// AI coding tools pointed at the service with OTEL_EXPORTER_OTLP_ENDPOINT and a source key: their exports become
/// attributed spend, prompts and edit decisions; a retry is a duplicate; an unknown user is kept until mapped.
/// </summary>
public sealed class OtlpIngestionTests
{
    private static readonly DateTimeOffset Now = Personas.Now;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, object> ClaudeCode = new() { ["service.name"] = "claude-code", ["user.email"] = "Ada@Example.com" };

    [Fact]
    public async Task Claude_Code_s_protobuf_export_becomes_ada_s_spend_and_a_retried_export_counts_once()
    {
        await using var app = new AchievementsApp();
        // The SDK stamps records with the real time: the service's clock is set to it.
        app.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddMinutes(1));
        await PutWithIdentityAsync(app, "ada", "ada@example.com");
        var tool = await app.Source("claude-code");
        var exports = OtlpExports.Logs(
            ClaudeCode,
            ("claude_code.api_request", [new("model", "claude-sonnet-4-5"), new("input_tokens", 1_200L), new("output_tokens", 300L), new("cache_read_tokens", 500L), new("cost_usd", 0.0125)]),
            ("claude_code.user_prompt", [new("prompt_length", 42L)]),
            ("claude_code.tool_decision", [new("tool_name", "Edit"), new("decision", "accept"), new("source", "config")]),
            ("claude_code.tool_decision", [new("tool_name", "Bash"), new("decision", "accept")]));

        foreach (var export in exports.Concat(exports))
        {
            var response = await tool.PostAsync("/v1/logs", Protobuf(export), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        }

        // 2,000 tokens at $0.0125; the Bash decision is no edit. The same records sent again are duplicates.
        var progress = await (await app.Admin().GetAsync("/api/v1/employees/ada/progress", Ct)).JsonAsync();
        Assert.Equal(2_000, progress.GetProperty("spend").GetProperty("tokens").GetDouble());
        Assert.Equal(0.0125, progress.GetProperty("spend").GetProperty("costUsd").GetDouble());
        var stored = await EventTypesAsync(app, "ada");
        Assert.Equal(["prompt.sent", "suggestion.accepted", "suggestion.shown", "tokens.consumed"], stored);

        // An accepted edit is attribution: with no lines and no pull request that shipped it, it counts for nothing.
        var savant = await app.ProgressAsync("ada", "suggestion-savant");
        Assert.Equal(0, savant.Counted("suggestion.accepted"));
    }

    [Fact]
    public async Task A_tool_s_token_metric_repeats_its_request_logs_and_counts_once_and_on_its_own_counts_in_full()
    {
        await using var app = new AchievementsApp();
        app.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddMinutes(1));
        await PutWithIdentityAsync(app, "ada", "ada@example.com");
        await PutWithIdentityAsync(app, "bob", "bob@example.com");
        var tool = await app.Source("claude-code");
        var logs = OtlpExports.Logs(ClaudeCode, ("claude_code.api_request", [new("model", "claude-sonnet-4-5"), new("input_tokens", 1_500L), new("output_tokens", 500L)]));
        var adaTotals = OtlpExports.Counter(ClaudeCode, "claude_code.token.usage", (1_500, [new("model", "claude-sonnet-4-5"), new("type", "input")]), (500, [new("model", "claude-sonnet-4-5"), new("type", "output")]));
        var bobTotals = OtlpExports.Counter(
            new Dictionary<string, object> { ["service.name"] = "gemini-cli", ["user.email"] = "bob@example.com" },
            "gemini_cli.token.usage",
            (600, [new("model", "gemini-2.5-pro"), new("type", "input")]),
            (200, [new("model", "gemini-2.5-pro"), new("type", "output")]));

        Assert.Equal(HttpStatusCode.OK, (await tool.PostAsync("/v1/logs", Protobuf(Assert.Single(logs)), Ct)).StatusCode);
        foreach (var export in new[] { adaTotals, bobTotals, bobTotals })
        {
            Assert.Null(OtlpExports.PartialSuccess(await (await tool.PostAsync("/v1/metrics", Protobuf(export), Ct)).Content.ReadAsByteArrayAsync(Ct)));
        }

        // Ada's 2,000 tokens were reported per request and again as the tool's total: once. Bob's tool sent only totals.
        var ada = await (await app.Admin().GetAsync("/api/v1/employees/ada/progress", Ct)).JsonAsync();
        Assert.Equal(2_000, ada.GetProperty("spend").GetProperty("tokens").GetDouble());
        var bob = await (await app.Admin().GetAsync("/api/v1/employees/bob/progress", Ct)).JsonAsync();
        Assert.Equal(800, bob.GetProperty("spend").GetProperty("tokens").GetDouble());
    }

    [Fact]
    public async Task Lines_Claude_Code_s_edits_added_are_an_accepted_suggestion_that_counts_once_ada_s_reviewed_merge_ships_them()
    {
        await using var app = new AchievementsApp();
        var now = DateTimeOffset.UtcNow.AddMinutes(1);
        app.Clock.SetUtcNow(now);
        await PutWithIdentityAsync(app, "ada", "ada@example.com");
        var tool = await app.Source("claude-code");
        var lines = OtlpExports.Counter(ClaudeCode, "claude_code.lines_of_code.count", (30, [new("type", "added")]), (4, [new("type", "removed")]));

        var answer = OtlpExports.PartialSuccess(await (await tool.PostAsync("/v1/metrics", Protobuf(lines), Ct)).Content.ReadAsByteArrayAsync(Ct));

        Assert.Equal(0, answer?.Rejected);
        Assert.Contains("1 data points of kinds no badge reads", answer?.Message, StringComparison.Ordinal);
        Assert.Equal(["suggestion.accepted"], await EventTypesAsync(app, "ada"));
        // Attribution: the 30 lines wait for a reviewed, merged pull request of Ada's to ship them.
        var waiting = await app.ProgressAsync("ada", "suggestion-savant");
        Assert.Equal((0, 1), (waiting.Counted("suggestion.accepted"), waiting.GetProperty("signals")[0].GetProperty("pending").GetInt32()));

        // Ada's pull request, reviewed by Grace, merges with 40 added lines and settles unreverted: the 30 lines shipped.
        await app.PutPeopleAsync("grace");
        var github = await app.Source("github");
        app.Clock.SetUtcNow(now.AddHours(2));
        await (await github.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("m1", "ada", now.AddHours(2), reviewer: "grace")))).JsonAsync();
        app.Clock.SetUtcNow(now.AddDays(8));
        await app.EvaluateAsync();

        Assert.Equal(1, (await app.ProgressAsync("ada", "suggestion-savant")).Counted("suggestion.accepted"));
    }

    [Fact]
    public async Task A_metric_sent_as_running_totals_is_rejected_with_the_setting_that_fixes_it_and_stores_nothing()
    {
        await using var app = new AchievementsApp();
        app.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddMinutes(1));
        await PutWithIdentityAsync(app, "bob", "bob@example.com");
        var tool = await app.Source("gemini-cli");
        var totals = OtlpExports.Counter(
            new Dictionary<string, object> { ["user.email"] = "bob@example.com" }, "gemini_cli.token.usage", MetricReaderTemporalityPreference.Cumulative, (600, [new("model", "gemini-2.5-pro"), new("type", "input")]));

        var answer = OtlpExports.PartialSuccess(await (await tool.PostAsync("/v1/metrics", Protobuf(totals), Ct)).Content.ReadAsByteArrayAsync(Ct));

        Assert.Equal(1, answer?.Rejected);
        Assert.Contains("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta", answer?.Message, StringComparison.Ordinal);
        Assert.Empty(await EventTypesAsync(app, "bob"));
    }

    [Fact]
    public async Task A_user_no_identity_maps_is_kept_listed_and_attributed_once_an_admin_maps_them()
    {
        await using var app = new AchievementsApp();
        var tool = await app.Source("gemini-cli");
        var body = GeminiResponse("bob@example.com", tokens: 5_000);

        var answer = await (await tool.PostAsync("/v1/logs", JsonContent(body), Ct)).JsonAsync();

        Assert.Equal("0", answer.GetProperty("partialSuccess").GetProperty("rejectedLogRecords").GetString());
        Assert.Contains("wait until an admin maps their user", answer.GetProperty("partialSuccess").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        var unmapped = await (await app.Admin().GetAsync("/api/v1/identities/unmapped", Ct)).JsonAsync();
        var bob = Assert.Single(unmapped.EnumerateArray());
        Assert.Equal("email bob@example.com 1", $"{bob.GetProperty("provider").GetString()} {bob.GetProperty("id").GetString()} {bob.GetProperty("events").GetInt32()}");

        await PutWithIdentityAsync(app, "bob", "bob@example.com");

        var progress = await (await app.Admin().GetAsync("/api/v1/employees/bob/progress", Ct)).JsonAsync();
        Assert.Equal(5_000, progress.GetProperty("spend").GetProperty("tokens").GetDouble());
        Assert.Empty((await (await app.Admin().GetAsync("/api/v1/identities/unmapped", Ct)).JsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task A_gzip_body_is_read_and_records_no_mapping_uses_are_counted_in_the_answer_not_refused()
    {
        await using var app = new AchievementsApp();
        var tool = await app.Source("collector");
        var content = new ByteArrayContent(Gzip(SharedFixtures.Read("otel", "logs.json")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var answer = await (await tool.PostAsync("/v1/logs", content, Ct)).JsonAsync();

        Assert.Equal("0", answer.GetProperty("partialSuccess").GetProperty("rejectedLogRecords").GetString());
        Assert.Contains("1 log records of kinds no badge reads were not used", answer.GetProperty("partialSuccess").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

        var metrics = await (await tool.PostAsync("/v1/metrics", JsonContent(Encoding.UTF8.GetString(SharedFixtures.Read("otel", "metrics.json"))), Ct)).JsonAsync();
        Assert.Contains("4 data points", metrics.GetProperty("partialSuccess").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_an_event_cannot_hold_is_rejected_by_count_and_the_rest_are_kept()
    {
        await using var app = new AchievementsApp();
        await PutWithIdentityAsync(app, "ada", "ada@example.com");
        var tool = await app.Source("gemini-cli");
        // A year and a half ago: older than the service accepts.
        var old = GeminiResponse("ada@example.com", tokens: 700, at: Now.AddDays(-550));
        var fresh = GeminiResponse("ada@example.com", tokens: 900);
        var both = JsonSerializer.Serialize(new { resourceLogs = JsonDocument.Parse(old).RootElement.GetProperty("resourceLogs").EnumerateArray().Concat(JsonDocument.Parse(fresh).RootElement.GetProperty("resourceLogs").EnumerateArray()) });

        var answer = await (await tool.PostAsync("/v1/logs", JsonContent(both), Ct)).JsonAsync();

        Assert.Equal("1", answer.GetProperty("partialSuccess").GetProperty("rejectedLogRecords").GetString());
        var progress = await (await app.Admin().GetAsync("/api/v1/employees/ada/progress", Ct)).JsonAsync();
        Assert.Equal(900, progress.GetProperty("spend").GetProperty("tokens").GetDouble());
    }

    [Theory]
    [InlineData("application/json", "not json", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"resourceLogs\":7}", HttpStatusCode.BadRequest)]
    [InlineData("application/x-protobuf", "\u0008\u0096\u0001not a message", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", "{}", HttpStatusCode.UnsupportedMediaType)]
    public async Task A_body_that_is_not_OTLP_is_a_4xx_problem_and_stores_nothing(string contentType, string body, HttpStatusCode status)
    {
        await using var app = new AchievementsApp();
        var tool = await app.Source("claude-code");
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        await Problem.AssertAsync(await tool.PostAsync("/v1/logs", content, Ct), status);
    }

    [Fact]
    public async Task Only_a_source_key_may_export()
    {
        await using var app = new AchievementsApp();

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().PostAsync("/v1/logs", JsonContent("{}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Admin().PostAsync("/v1/metrics", JsonContent("{}"), Ct)).StatusCode);
    }

    private static async Task<IReadOnlyList<string>> EventTypesAsync(AchievementsApp app, string actor)
    {
        await using var connection = app.Connect();
        return [.. await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT DISTINCT type FROM events WHERE actor = @Actor ORDER BY type", new { Actor = actor })];
    }

    private static async Task PutWithIdentityAsync(AchievementsApp app, string id, string email)
    {
        var response = await app.Admin().PutAsync($"/api/v1/employees/{id}", Problem.JsonBody(new { displayName = id, identities = new[] { new { provider = "email", id = email } } }), Ct);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A Gemini CLI api_response event in OTLP/JSON, as its exporter writes it.</summary>
    private static string GeminiResponse(string email, long tokens, DateTimeOffset? at = null) => JsonSerializer.Serialize(new
    {
        resourceLogs = new[]
        {
            new
            {
                resource = new { attributes = new object[] { Attr("service.name", "gemini-cli") } },
                scopeLogs = new[]
                {
                    new
                    {
                        scope = new { name = "gemini-cli" },
                        logRecords = new[]
                        {
                            new
                            {
                                timeUnixNano = (((at ?? Now.AddHours(-1)).ToUnixTimeMilliseconds()) * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                body = new { stringValue = "API response from gemini-2.5-pro." },
                                attributes = new object[]
                                {
                                    Attr("event.name", "gemini_cli.api_response"),
                                    Attr("user.email", email),
                                    Attr("model", "gemini-2.5-pro"),
                                    new { key = "input_token_count", value = new { intValue = (tokens - 100).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                                    new { key = "output_token_count", value = new { intValue = "100" } },
                                    new { key = "total_token_count", value = new { intValue = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                                },
                            },
                        },
                    },
                },
            },
        },
    });

    private static object Attr(string key, string value) => new { key, value = new { stringValue = value } };

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static StringContent JsonContent(string body) => new(body, Encoding.UTF8, "application/json");

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }
}
