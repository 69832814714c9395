using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Security;

/// <summary>One app for the class: people, a key for each caller, the GitHub secret, and the counts query of its tables.</summary>
public sealed class HostileInputApp : IAsyncLifetime
{
    public AchievementsApp App { get; } = new();

    /// <summary>By the columns of <see cref="AuthorizationMatrixTests.Callers"/>, then the SCIM client.</summary>
    public HttpClient[] Clients { get; private set; } = [];

    public const int Scim = 6;

    public GithubDeliveries Github { get; private set; } = null!;

    public JsonNode Document { get; private set; } = null!;

    private string _counts = "";

    // One connection for every count, held open: opening one per count costs a PostgreSQL backend each time.
    private System.Data.Common.DbConnection? _connection;

    public async ValueTask InitializeAsync()
    {
        await App.PutEmployeeAsync("ada", "Ada");
        await App.PutEmployeeAsync("bob", "Bob");
        Clients =
        [
            App.Anonymous(),
            await App.ClientFor("viewer"),
            await App.ClientFor("employee", "ada"),
            await App.ClientFor("employee", "bob"),
            await App.Source("claude-code"),
            App.Admin(),
            await App.ClientFor("scim", "company-idp"),
        ];
        Github = new GithubDeliveries(App);
        await Github.ConfigureAsync();
        Document = JsonNode.Parse(await App.Anonymous().GetStringAsync("/openapi/v1.json"))!;
        _connection = App.Connect();
        await _connection.OpenAsync();
        var tables = await _connection.QueryAsync<string>(TestStore.IsSqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        _counts = string.Join(" UNION ALL ", tables.Select((table, i) => $"SELECT {i} AS n, COUNT(*) AS c FROM \"{table}\""));
    }

    /// <summary>The row count of every table, in one query; writes are sent one at a time, so one connection serves.</summary>
    public async Task<string> CountsAsync()
    {
        var rows = await _connection!.QueryAsync<(long N, long C)>(new CommandDefinition(_counts, cancellationToken: TestContext.Current.CancellationToken));
        return string.Join(",", rows.OrderBy(r => r.N).Select(r => r.C));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        await App.DisposeAsync();
    }
}

/// <summary>
/// Every operation of the service's own OpenAPI document, as each caller the authorization matrix lets through, with a
/// hostile value in each string, number and array it takes (and OTLP, SCIM and GitHub's webhook in their own
/// encodings): the answer is a 4xx problem or a success, never a 5xx; a refused write leaves every table's row count as
/// it was; and a control character in any text is refused, naming the field, on both stores alike.
/// </summary>
public sealed partial class OpenApiHostileInputTests(HostileInputApp fixture) : IClassFixture<HostileInputApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Routes whose answer to anything is fixed and says nothing of input, or that other tests own.</summary>
    private static readonly HashSet<string> Skipped = ["GET /health", "GET /health/live", "GET /health/ready"];

    [Fact]
    public async Task Hostile_values_in_every_operation_get_a_4xx_problem_or_a_success_and_refusals_write_nothing()
    {
        var stopwatch = Stopwatch.StartNew();
        var requests = Generate().ToList();
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();

        // Reads change nothing, so they go concurrently; writes go one by one, each between two counts of every table
        // (the counts after one write are those before the next).
        await Parallel.ForEachAsync(requests.Where(r => !r.IsWrite), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (request, _) =>
            await JudgeAsync(request, before: null));
        var counts = await fixture.CountsAsync();
        foreach (var request in requests.Where(r => r.IsWrite))
        {
            counts = await JudgeAsync(request, counts);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests.Count} requests went wrong:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Order(StringComparer.Ordinal).Take(60))}");
        Assert.Contains(400, statuses.Keys);
        Assert.Contains(413, statuses.Keys);
        Assert.Contains(statuses.Keys, status => status is >= 200 and < 300);
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.Anonymous().GetAsync("/health", Ct)).StatusCode);
        TestContext.Current.SendDiagnosticMessage($"{requests.Count} hostile requests on {TestStore.Provider} in {stopwatch.Elapsed.TotalSeconds:0.0} s");

        // Returns the counts of every table after a write (null for a read).
        async Task<string?> JudgeAsync(HostileRequest request, string? before)
        {
            using var message = request.Build();
            HttpResponseMessage response;
            try
            {
                response = await fixture.Clients[request.Caller].SendAsync(message, Ct);
            }
            catch (InvalidOperationException nul) when (request.What.StartsWith("path", StringComparison.Ordinal) && nul.Message.Contains("null characters", StringComparison.Ordinal))
            {
                // Kestrel answers a path holding %00 with a 400 before any app sees it; TestServer throws where Kestrel answers.
                statuses.AddOrUpdate(400, 1, (_, n) => n + 1);
                return before;
            }

            using var _ = response;
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var who = request.Caller == HostileInputApp.Scim ? "scim" : AuthorizationMatrixTests.Callers[request.Caller];
            var said = $"{request.Operation} as {who}, {request.What}: {status} {(body.Length > 300 ? body[..300] : body)}";
            if (status >= 500)
            {
                failures.Add(said);
                return before is null ? null : await fixture.CountsAsync();
            }

            if (status >= 400 && response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/scim+json"))
            {
                failures.Add($"{said} (not a problem)");
            }

            // A success may leave out a field it does not keep (SCIM's schemas, a displayName that name.formatted
            // overrides), never keep it: what was kept is echoed, and PostgreSQL could not have stored a NUL at all.
            if (request.ControlIn is { } field && status is >= 200 and < 300 && !request.JudgedPerRecord && body.Contains(request.Control!, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{said} (a control character in {field} was kept)");
            }

            if (request.ControlIn is { } named && status == 400 && !request.JudgedPerRecord && !body.Contains(Named(named), StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{said} (the refusal does not name {named})");
            }

            var after = before is null ? null : await fixture.CountsAsync();
            if (after != before && (status >= 400 || (request.ControlIn is not null && request.JudgedPerRecord)))
            {
                failures.Add($"{said} (refused, yet something was written)");
            }

            return after;
        }
    }

    [Fact]
    public async Task A_control_character_is_a_400_naming_the_field_or_parameter_while_tab_and_line_breaks_are_text()
    {
        var admin = fixture.Clients[5];
        var rule = await admin.PostAsync("/api/v1/rules/validate", Problem.JsonBody(new { metric = "count(pr.merged,\t\r\n  365d)" }), Ct);
        Assert.True((await rule.JsonAsync()).GetProperty("valid").GetBoolean());

        var nul = await Problem.ValidationErrorsAsync(await admin.PostAsync("/api/v1/rules/validate", Problem.JsonBody(new { metric = "count(pr.merged)\0" }), Ct));
        Assert.Contains("U+0000", Assert.Single(nul["metric"]), StringComparison.Ordinal);

        var escape = await Problem.ValidationErrorsAsync(await admin.GetAsync("/api/v1/audit?employee=a%1Bb", Ct));
        Assert.Equal("employee contains a control character (U+001B); text may hold tab, line feed and carriage return but no other control character below U+0020.", Assert.Single(escape["employee"]));
    }

    /// <summary>The field's last name as an error names it: <c>tiers[0].name</c> is named by <c>name</c>.</summary>
    private static string Named(string field) => Index().Replace(field.Split('.')[^1], "");

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();

    private IEnumerable<HostileRequest> Generate()
    {
        var paths = fixture.Document["paths"]!.AsObject();
        foreach (var (method, route, expected) in AuthorizationMatrixTests.Matrix)
        {
            var operation = $"{method} {route}";
            var documented = Constraint().Replace(route, "{$1}");
            if (Skipped.Contains(operation) || paths[documented]?[method.ToLowerInvariant()] is not JsonObject described)
            {
                continue;
            }

            // Each caller that reaches the handler; the other employee is the same key as the first, for another id.
            int[] callers = route.StartsWith("/scim/", StringComparison.Ordinal)
                ? [HostileInputApp.Scim]
                : [.. Enumerable.Range(0, expected.Length).Where(c => c != 3 && expected[c] == AuthorizationMatrixTests.A)];
            var parameters = (described["parameters"]?.AsArray() ?? []).Select(p => (Name: (string)p!["name"]!, In: (string)p["in"]!, Integer: (string?)p["schema"]?["type"] is "integer")).ToList();
            string Url(string? hostileName = null, string? hostileValue = null)
            {
                var url = documented;
                foreach (var p in parameters.Where(p => p.In == "path"))
                {
                    url = url.Replace($"{{{p.Name}}}", p.Name == hostileName ? hostileValue : HostileRequests.PathValue(route, p.Name, p.Integer), StringComparison.Ordinal);
                }

                return hostileName is not null && parameters.Any(p => p.In == "query" && p.Name == hostileName) ? $"{url}?{hostileName}={hostileValue}" : url;
            }

            var isWrite = method != "GET";
            var baseline = HostileRequests.Bodies.GetValueOrDefault($"{method} {documented}");
            var mediaType = HostileRequests.MediaType(method, route);
            foreach (var caller in callers)
            {
                HttpRequestMessage Send(string url, string? body) =>
                    body is null ? new HttpRequestMessage(new HttpMethod(method), url) : HostileRequests.Json(method, url, body, mediaType);

                var plain = Url();
                if (baseline is not null)
                {
                    foreach (var request in Bodies(operation, caller, baseline, () => Send(plain, baseline), body => Send(plain, body), isWrite, perRecord: route == "/api/v1/events"))
                    {
                        yield return request;
                    }
                }

                // Then the parameters, with the ordinary body: a hostile id may name someone new, whom a body would change.
                foreach (var p in parameters)
                {
                    foreach (var (value, control) in HostileRequests.UrlValues)
                    {
                        var url = Url(p.Name, value);
                        yield return new(operation, caller, $"{p.In} {p.Name} = {Shown(value)}", () => Send(url, baseline), isWrite, control is null ? null : p.Name, control);
                    }
                }
            }
        }

        foreach (var request in Otlp().Concat(Github()))
        {
            yield return request;
        }
    }

    /// <summary>The ordinary body, then each of its strings, numbers and arrays made hostile alone, then the document as a whole.</summary>
    private static IEnumerable<HostileRequest> Bodies(string operation, int caller, string baseline, Func<HttpRequestMessage> ordinary, Func<string, HttpRequestMessage> send, bool isWrite, bool perRecord)
    {
        yield return new(operation, caller, "the ordinary body", ordinary, isWrite);
        foreach (var (path, node) in HostileRequests.Leaves(JsonNode.Parse(baseline)!))
        {
            IEnumerable<(string Raw, string? Control)> values = node switch
            {
                JsonArray => HostileRequests.Arrays.Select(a => (a, (string?)null)),
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => HostileRequests.Strings.Select(s => ($"\"{s.Json}\"", s.Control ? s.Json : null)),
                JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => HostileRequests.Numbers.Select(n => (n, (string?)null)),
                _ => HostileRequests.Numbers.Take(3).Select(n => (n, (string?)null)),
            };
            foreach (var (raw, control) in values)
            {
                var body = HostileRequests.Replace(baseline, path, raw);
                yield return new(operation, caller, $"{path} = {Shown(raw)}", () => send(body), isWrite, control is null ? null : path, control, perRecord);
            }
        }

        // The document as a whole: a duplicated key, an unknown property, nesting past any limit, a megabyte of
        // string, and what is not the object it takes.
        var firstKey = JsonNode.Parse(baseline) is JsonObject { Count: > 0 } o ? o.First().Key : "x";
        yield return new(operation, caller, "a duplicated key", () => send($"{{\"{firstKey}\":1,{baseline[1..]}"), isWrite);
        yield return new(operation, caller, "an unknown property", () => send($"{{\"extra\":true,{baseline[1..]}"), isWrite);
        foreach (var other in HostileRequests.NotTheBody)
        {
            yield return new(operation, caller, $"the body {Shown(other)}", () => send(other), isWrite);
        }

        yield return new(operation, caller, "2,000-deep nesting", () => send(new string('[', 2000) + new string(']', 2000)), isWrite);
        yield return new(operation, caller, "a megabyte string", () => send($"\"{new string('x', 1024 * 1024)}\""), isWrite);
    }

    /// <summary>OTLP in both encodings: hostile user, model and names, bytes that are no UTF-8, and 10,000 points whose derived ids collide.</summary>
    private static IEnumerable<HostileRequest> Otlp()
    {
        const int Source = 4;
        const string Placeholder = "QQQQQ";
        var resource = (string email) => new Dictionary<string, object> { ["service.name"] = "claude-code", ["user.email"] = email };
        KeyValuePair<string, object?>[] Request(string model) =>
            [new("input_tokens", 10L), new("output_tokens", 5L), new("model", model), new("event.timestamp", "2026-06-01T11:00:00Z")];
        string[] texts = ["a\0b@example.com", "a\u0001b", "a\u001bb", "\u202eevil@example.com", Placeholder];
        foreach (var text in texts)
        {
            var control = text.Any(c => c < ' ');
            foreach (var (where, body) in new[]
            {
                ("resource user.email", OtlpExports.Logs(resource(text), ("claude_code.api_request", Request("m")))[0]),
                ("attribute model", OtlpExports.Logs(resource("ada@example.com"), ("claude_code.api_request", Request(text)))[0]),
                ("event name", OtlpExports.Logs(resource("ada@example.com"), (text, Request("m")))[0]),
                ("metric user.email", OtlpExports.Counter(resource(text), "claude_code.token.usage", (5L, [new("model", "m")]))),
            })
            {
                var bytes = text == Placeholder ? HostileRequests.Patch(body, Placeholder, HostileRequests.NotUtf8) : body;
                var path = where.StartsWith("metric", StringComparison.Ordinal) ? "/v1/metrics" : "/v1/logs";
                yield return new($"POST {path}", Source, $"protobuf {where} = {Shown(text)}", () => HostileRequests.Bytes("POST", path, bytes, "application/x-protobuf"), true, control ? where : null, JudgedPerRecord: true);
            }
        }

        (string Json, bool Control)[] jsonTexts = [.. HostileRequests.Strings.Take(6), (Placeholder, false)];
        foreach (var (text, control) in jsonTexts)
        {
            var log = $$$"""{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}},{"key":"user.email","value":{"stringValue":"{{{text}}}"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1780311600000000000","eventName":"claude_code.api_request","body":{"stringValue":"{{{text}}}"},"attributes":[{"key":"input_tokens","value":{"intValue":"10"}},{"key":"model","value":{"stringValue":"{{{text}}}"}},{"key":"{{{text}}}","value":{"stringValue":"x"}}]}]}]}]}""";
            var metric = $$$"""{"resourceMetrics":[{"resource":{"attributes":[{"key":"user.email","value":{"stringValue":"{{{text}}}"}}]},"scopeMetrics":[{"metrics":[{"name":"claude_code.token.usage","sum":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"1780311600000000000","asInt":"5","attributes":[{"key":"model","value":{"stringValue":"{{{text}}}"}}]}]}}]}]}]}""";
            foreach (var (path, json) in new[] { ("/v1/logs", log), ("/v1/metrics", metric) })
            {
                var bytes = text == Placeholder ? HostileRequests.Patch(Encoding.UTF8.GetBytes(json), Placeholder, HostileRequests.NotUtf8) : Encoding.UTF8.GetBytes(json);
                yield return new($"POST {path}", Source, $"JSON strings = {Shown(text)}", () => HostileRequests.Bytes("POST", path, bytes, "application/json"), true, control ? "text" : null, JudgedPerRecord: true);
            }
        }

        // 10,000 points alike: the same derived id each, for a mapped and an unmapped user.
        foreach (var email in new[] { "ada@example.com", "nobody@example.com" })
        {
            var point = """{"timeUnixNano":"1780311600000000000","asInt":"5","attributes":[{"key":"model","value":{"stringValue":"m"}}]}""";
            var colliding = $$$"""{"resourceMetrics":[{"resource":{"attributes":[{"key":"user.email","value":{"stringValue":"{{{email}}}"}}]},"scopeMetrics":[{"metrics":[{"name":"claude_code.token.usage","sum":{"aggregationTemporality":1,"dataPoints":[{{{string.Join(',', Enumerable.Repeat(point, 10_000))}}}]}}]}]}]}""";
            yield return new("POST /v1/metrics", Source, $"10,000 colliding points for {email}", () => HostileRequests.Json("POST", "/v1/metrics", colliding, "application/json"), true);
        }
    }

    /// <summary>Signed GitHub deliveries of a merge with hostile action, login, repository and time, as escapes and as bytes that are no UTF-8.</summary>
    private IEnumerable<HostileRequest> Github()
    {
        const string Placeholder = "QQQQQ";
        string[] fields = ["action", "login", "repo", "at"];
        (string Json, bool Control)[] values = [.. HostileRequests.Strings.Take(6), (Placeholder, false)];
        foreach (var field in fields)
        {
            foreach (var (text, control) in values)
            {
                var marker = "@@hostile@@";
                var json = HostileRequests.Github(
                    field == "action" ? marker : "closed",
                    field == "login" ? marker : "ada",
                    field == "repo" ? marker : "octo/web",
                    field == "at" ? marker : "2026-06-01T11:00:00Z").Replace(marker, text, StringComparison.Ordinal);
                var bytes = text == Placeholder ? HostileRequests.Patch(Encoding.UTF8.GetBytes(json), Placeholder, HostileRequests.NotUtf8) : Encoding.UTF8.GetBytes(json);
                var delivery = $"hostile-{field}-{Guid.NewGuid():N}";
                yield return new("POST /api/v1/webhooks/github", 0, $"{field} = {Shown(text)}", () =>
                {
                    var request = HostileRequests.Bytes("POST", "/api/v1/webhooks/github", bytes, "application/json");
                    request.Headers.Add("X-GitHub-Event", "pull_request");
                    request.Headers.Add("X-GitHub-Delivery", delivery);
                    request.Headers.Add("X-Hub-Signature-256", GithubDeliveries.Signature(GithubDeliveries.Secret, bytes));
                    return request;
                }, true, control ? field : null, JudgedPerRecord: true);
            }
        }
    }

    private static string Shown(string value) => value.Length > 40 ? $"{value[..20]}… ({value.Length} characters)" : value;

    [GeneratedRegex(@"\{(\w+):\w+\}")]
    private static partial Regex Constraint();
}
