using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Benchmarks;

/// <summary>
/// Directory tail latency under an external load generator (issue 15): <c>wrk -t2 -c32 --latency</c> against
/// <c>GET /api/v1/employees/{id}/badges</c>, cycling through 10,000 employees, on each store, with the background
/// worker running and the rate limiter on as in production (its anonymous budget raised so that the load is not
/// refused: the limiter's partition lookup and token bucket still run on every request). Before the reads: employees
/// and awards are seeded straight into the schema, everyone is queued and an evaluation pass runs, as after a publish.
/// The baseline is a bare minimal Kestrel endpoint in this process returning a body of the same bytes as a typical
/// (three-badge) answer, loaded by the same wrk command in the same run.
/// </summary>
internal static partial class DirectoryWrkScenario
{
    private const int Employees = 10_000;

    private static readonly string[] Limits =
    [
        "--Achievements:RateLimits:Enabled=true",
        "--Achievements:RateLimits:Anonymous:PerSecond=10000000",
        "--Achievements:RateLimits:Anonymous:Burst=10000000",
    ];

    public static async Task<IReadOnlyList<Figure>> RunAsync(Scale scale, TextWriter log)
    {
        var wrk = FindWrk();
        if (wrk is null)
        {
            const string Skipped = "wrk is not installed (apt-get install -y wrk): the directory's tail latency under wrk is skipped";
            log.WriteLine(Skipped);
            PerformanceReport.Note("Directory (wrk)", Skipped);
            return [];
        }

        var figures = new List<Figure>();
        foreach (var store in new[] { Store.Sqlite, Store.Postgres })
        {
            if (store == Store.Postgres && PostgresServer.Shared is null)
            {
                log.WriteLine(PostgresServer.Missing);
                PerformanceReport.Note("Directory (wrk)", PostgresServer.Missing);
                continue;
            }

            figures.AddRange(await RunAsync(store, wrk, scale, log));
        }

        return figures;
    }

    private static async Task<IReadOnlyList<Figure>> RunAsync(Store store, string wrk, Scale scale, TextWriter log)
    {
        await using var host = await ServiceHost.StartAsync(new HostOptions(store, Worker: true, Limits));
        var seeding = Stopwatch.StartNew();
        await SeedAsync(host);
        var seeded = seeding.Elapsed;
        var pass = await EvaluationPassAsync(host);
        using var client = host.Client();
        var body = await client.GetByteArrayAsync($"/api/v1/employees/{OrganisationEvents.EmployeeId(3)}/badges");
        if (!System.Text.Encoding.UTF8.GetString(body).Contains("trusted-reviewer", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The typical employee lost the badges seeded for them in the evaluation pass.");
        }

        await using var bare = await BareEndpointAsync(body);
        var script = Path.Combine(host.Directory, "cycle.lua");
        await File.WriteAllTextAsync(script, Script);
        var duration = (int)Math.Max(3, scale.ReadDuration.TotalSeconds);

        // Runs of each, untimed, until a round of both compiles almost nothing: a cold process tiers its code up for
        // several seconds on two cores, and the bare endpoint, being small, would be measured warm and ours cold.
        var warming = Stopwatch.StartNew();
        TimeSpan jit;
        do
        {
            var before = System.Runtime.JitInfo.GetCompilationTime();
            await RunWrkAsync(wrk, $"{host.BaseAddress}api/v1/employees/", script, 1);
            await RunWrkAsync(wrk, bare.Urls.First() + "/", null, 1);
            jit = System.Runtime.JitInfo.GetCompilationTime() - before;
        }
        while (jit > TimeSpan.FromMilliseconds(20) && warming.Elapsed < TimeSpan.FromSeconds(30));

        log.WriteLine($"{store}: warm-up {warming.Elapsed.TotalSeconds:0} s, until a round of both compiled {jit.TotalMilliseconds:0} ms");
        var (gcBefore, pauseBefore) = (GcCounts(), GC.GetTotalPauseDuration());
        var ours = await RunWrkAsync(wrk, $"{host.BaseAddress}api/v1/employees/", script, duration);
        var (gcAfter, pauseAfter) = (GcCounts(), GC.GetTotalPauseDuration());
        var baseline = await RunWrkAsync(wrk, bare.Urls.First() + "/", null, duration);

        var text = $"{store}: ours {ours}; bare {baseline}";
        log.WriteLine(text);
        PerformanceReport.Note("Directory (wrk)", $"{store}: seeding {Employees:N0} employees with awards {seeded.TotalSeconds:0.0} s, the evaluation pass over everyone {pass.TotalSeconds:0.0} s; "
            + $"wrk -t2 -c{Connections} -d{duration}s: ours {ours}, bare {baseline}; during our run the service's process collected "
            + $"{gcAfter.Gen0 - gcBefore.Gen0} gen0, {gcAfter.Gen1 - gcBefore.Gen1} gen1, {gcAfter.Gen2 - gcBefore.Gen2} gen2 and paused for GC {(pauseAfter - pauseBefore).TotalMilliseconds:0} ms");
        return
        [
            new("Directory (wrk)", $"{store}: JSON reads p50 latency, wrk -t2 -c{Connections}, {Employees:N0} employees, worker running; baseline: bare endpoint", ours.P50Ms, baseline.P50Ms, "ms"),
            new("Directory (wrk)", $"{store}: JSON reads p99 latency; baseline: bare endpoint", ours.P99Ms, baseline.P99Ms, "ms", "ours < 10 ms", ours.P99Ms < 10),
            new("Directory (wrk)", $"{store}: JSON reads (req/s); baseline: bare endpoint", ours.PerSecond, baseline.PerSecond, "req/s"),
        ];
    }

    private const int Connections = 32;

    // Each of wrk's threads cycles through every employee from its own starting point.
    private const string Script = """
        local i = math.random(0, 9999)
        request = function()
          i = (i + 1) % 10000
          return wrk.format("GET", string.format(wrk.path .. "emp%05d/badges", i))
        end
        """;

    /// <summary>What one wrk run measured.</summary>
    private sealed record WrkResult(double P50Ms, double P99Ms, double PerSecond)
    {
        public override string ToString() => $"{PerSecond:N0} req/s, p50 {P50Ms:0.00} ms, p99 {P99Ms:0.00} ms";
    }

    private static async Task<WrkResult> RunWrkAsync(string wrk, string url, string? script, int seconds)
    {
        string[] arguments = ["-t2", $"-c{Connections}", $"-d{seconds}s", "--latency", .. script is null ? Array.Empty<string>() : ["-s", script], script is null ? url + "bare.json" : url];
        var start = new ProcessStartInfo(wrk, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || output.Contains("Non-2xx", StringComparison.Ordinal) || output.Contains("Socket errors", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk {string.Join(' ', arguments)} did not read cleanly: {output}{error}");
        }

        return new WrkResult(Percentile(output, "50%"), Percentile(output, "99%"), double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>A line of wrk's "Latency Distribution", such as <c>99%   12.51ms</c>, in ms.</summary>
    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"No {percentile} line in wrk's output: {output}");
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    private static (int Gen0, int Gen1, int Gen2) GcCounts() => (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    private static string? FindWrk() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "wrk")).FirstOrDefault(File.Exists);

    /// <summary>
    /// Employees and awards straight into the schema on either store (0-5 awards each, as DirectoryReadScenario seeds
    /// them), passed as one JSON array a table, before the service has read anything.
    /// </summary>
    private static async Task SeedAsync(ServiceHost host)
    {
        var now = UtcTimestampHandler.ToText(DateTimeOffset.UtcNow);
        string[] badges = ["merge-master", "suggestion-savant", "trusted-reviewer", "steady-shipper", "frugal-builder"];
        var employees = Enumerable.Range(0, Employees).Select(i => new { id = OrganisationEvents.EmployeeId(i), name = $"Employee {i}", team = $"Team {i % 50}" });
        var awards = Enumerable.Range(0, Employees).SelectMany(i => Enumerable.Range(0, i % 6).Select(b => new
        {
            employee = OrganisationEvents.EmployeeId(i),
            badge = badges[b],
            tier = new[] { "bronze", "silver", "gold" }[(i + b) % 3],
            rank = (i + b) % 3,
            at = UtcTimestampHandler.ToText(DateTimeOffset.UtcNow.AddDays(-(i % 300))),
        }));
        var sqlite = host.Store == Store.Sqlite;
        string Field(string name, string type = "text") => sqlite ? $"json_extract(value, '$.{name}')" : $"CAST(value ->> '{name}' AS {type})";
        var rows = sqlite ? "json_each(@Rows)" : "json_array_elements(CAST(@Rows AS json)) AS value";
        await using var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        await connection.InTransactionAsync(async transaction =>
        {
            await connection.ExecuteAsync(
                $"INSERT INTO employees (id, display_name, team, is_bot, created_at, updated_at, added_by) SELECT {Field("id")}, {Field("name")}, {Field("team")}, 0, @Now, @Now, 'scim' FROM {rows}",
                new { Rows = DirectInsert.Json(employees), Now = now }, transaction);
            await connection.ExecuteAsync(
                $"""
                INSERT INTO awards (employee_id, badge_key, status, tier, tier_rank, badge_version, value, awarded_at, evidence, updated_at)
                SELECT {Field("employee")}, {Field("badge")}, 'active', {Field("tier")}, {Field("rank", "integer")}, 1, 60, {Field("at")}, '[1,2,3]', {Field("at")} FROM {rows}
                """,
                new { Rows = DirectInsert.Json(awards) }, transaction);
            return true;
        }, CancellationToken.None);
    }

    /// <summary>Everyone queued, as after a publish, and one pass through the API (which waits for the worker's own).</summary>
    private static async Task<TimeSpan> EvaluationPassAsync(ServiceHost host)
    {
        await using (var connection = await host.Service<IDbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await connection.InTransactionAsync(async transaction =>
            {
                await EvaluationQueue.EnqueueEveryoneAsync(connection, transaction, DateTimeOffset.UtcNow, CancellationToken.None);
                return true;
            }, CancellationToken.None);
        }

        var clock = Stopwatch.StartNew();
        using var admin = host.Client(ServiceHost.AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/evaluations", new { });
        response.EnsureSuccessStatusCode();
        return clock.Elapsed;
    }

    private static async Task<WebApplication> BareEndpointAsync(byte[] json)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            Args = [$"--urls=http://127.0.0.1:{ServiceHost.FreePort()}", "--Logging:LogLevel:Default=Warning"],
        });
        var app = builder.Build();
        app.MapGet("/bare.json", () => Results.Bytes(json, "application/json; charset=utf-8"));
        await app.StartAsync();
        return app;
    }
}
