using System.Diagnostics;
using System.Net;
using Achievements.Api.Infrastructure.Storage;

namespace Achievements.Benchmarks;

/// <summary>
/// Directory reads against a bare endpoint. The bare endpoint is a minimal WebApplication in this same process
/// (so the client, the machine and Kestrel's defaults are shared), on another port, answering a constant body
/// of the same bytes as a typical employee's answer. Employees and awards are seeded straight into the schema,
/// before the first read (the service has read nothing yet, so there is nothing it could have kept); the new
/// award of the freshness check goes through the service, as every write must once the service is serving.
/// </summary>
internal static class DirectoryReadScenario
{
    private const int Connections = 32;
    private const string Fresh = "fresh-employee";

    public static async Task<IReadOnlyList<Figure>> RunAsync(Scale scale, TextWriter log)
    {
        await using var host = await ServiceHost.StartAsync();
        Seed(host.DatabasePath, scale.DirectoryEmployees);
        using var client = host.Client(connections: Connections);

        // The typical answer: an employee holding three badges (employees hold 0 to 5).
        var firstRead = Stopwatch.StartNew();
        var jsonBody = await client.GetByteArrayAsync($"/api/v1/employees/{OrganisationEvents.EmployeeId(3)}/badges");
        // The service's first directory read fills its in-memory directory for everyone in one pass.
        log.WriteLine($"first read (fills the directory of {scale.DirectoryEmployees + 1:N0} employees): {firstRead.Elapsed.TotalMilliseconds:N0} ms");
        var svgBody = await client.GetByteArrayAsync($"/api/v1/employees/{OrganisationEvents.EmployeeId(3)}/badges.svg");
        await using var bare = await BareEndpointAsync(jsonBody, svgBody);
        using var bareClient = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = new Uri(bare.Urls.First()) };

        var paths = new[] { ("JSON", "badges", "/bare.json"), ("SVG", "badges.svg", "/bare.svg") };
        await WarmUpAsync(client, bareClient, paths.Select(p => p.Item2), paths.Select(p => p.Item3), scale.DirectoryEmployees, log);
        var figures = new List<Figure>();
        foreach (var (name, path, barePath) in paths)
        {
            await ReadAsync(client, _ => $"/api/v1/employees/{OrganisationEvents.EmployeeId(Random.Shared.Next(scale.DirectoryEmployees))}/{path}", TimeSpan.FromSeconds(1));
            var (ours, oursCpu) = await CpuPerRequestAsync(() => ReadAsync(client, _ => $"/api/v1/employees/{OrganisationEvents.EmployeeId(Random.Shared.Next(scale.DirectoryEmployees))}/{path}", scale.ReadDuration));
            await ReadAsync(bareClient, _ => barePath, TimeSpan.FromSeconds(1));
            var (baseline, bareCpu) = await CpuPerRequestAsync(() => ReadAsync(bareClient, _ => barePath, scale.ReadDuration));
            // CPU per request (this process: client and server) is steadier than req/s on a machine shared with others.
            log.WriteLine($"{name}: ours {ours.PerSecond:N0} req/s p50 {ours.P50Ms:0.00} p99 {ours.P99Ms:0.00} ms, {oursCpu:0} µs CPU/request; bare {baseline.PerSecond:N0} req/s p50 {baseline.P50Ms:0.00} p99 {baseline.P99Ms:0.00} ms, {bareCpu:0} µs CPU/request");
            figures.Add(new("Directory", $"{name} reads, {Connections} connections, {scale.DirectoryEmployees:N0} employees (req/s)", ours.PerSecond, baseline.PerSecond, "req/s", "≥ 0.5", ours.PerSecond / baseline.PerSecond >= 0.5));
            figures.Add(new("Directory", $"{name} reads p99 latency", ours.P99Ms, baseline.P99Ms, "ms", "ours < 10 ms", ours.P99Ms < 10));
        }

        PerformanceReport.Note("Directory", await Breakdown.DirectoryAsync(host, scale.DirectoryEmployees));
        var (visible, readAfterMs) = await NewAwardIsVisibleAsync(host, client);
        log.WriteLine($"a new award was {(visible ? "" : "NOT ")}visible on the next read, {readAfterMs:0.00} ms after the evaluation that granted it answered");
        figures.Add(new("Directory", "New award visible on the next JSON and SVG read (1 = yes); baseline: expected", visible ? 1 : 0, 1, "yes/no", "visible", visible));
        return figures;
    }

    /// <summary>
    /// Reads every path of ours and of the bare endpoint in turn until a round of them compiles almost nothing. A cold
    /// process tiers its code up for several seconds on two cores (the JIT took 0.3-0.65 s of CPU per second through
    /// the first JSON run); without this the first run measured the JIT, and the bare runs reused Kestrel's code
    /// already tiered up by ours.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient client, HttpClient bareClient, IEnumerable<string> paths, IEnumerable<string> barePaths, int employees, TextWriter log)
    {
        var round = TimeSpan.FromMilliseconds(250);
        var clock = Stopwatch.StartNew();
        TimeSpan jit;
        do
        {
            var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
            foreach (var path in paths)
            {
                await ReadAsync(client, _ => $"/api/v1/employees/{OrganisationEvents.EmployeeId(Random.Shared.Next(employees))}/{path}", round);
            }

            foreach (var barePath in barePaths)
            {
                await ReadAsync(bareClient, _ => barePath, round);
            }

            jit = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
        }
        while (jit > TimeSpan.FromMilliseconds(20) && clock.Elapsed < TimeSpan.FromSeconds(20));

        log.WriteLine($"warm-up: {clock.Elapsed.TotalSeconds:0.0} s, until a round of every path compiled {jit.TotalMilliseconds:0} ms");
    }

    private static async Task<(LoadResult Result, double CpuMicroseconds)> CpuPerRequestAsync(Func<Task<LoadResult>> run)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var result = await run();
        return (result, (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMicroseconds / Math.Max(1, result.Requests));
    }

    private static async Task<LoadResult> ReadAsync(HttpClient client, Func<int, string> path, TimeSpan duration) =>
        await LoadDriver.RunAsync(Connections, async i =>
        {
            using var response = await client.GetAsync(path(i), HttpCompletionOption.ResponseContentRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {path(i)} answered {(int)response.StatusCode}.");
            }
        }, duration: duration);

    /// <summary>
    /// Grants an award the way production does, through the service (a source posts ten reviewed pull requests, an
    /// admin runs the evaluation), then reads at once: the cache must show it on the very next JSON and SVG read.
    /// Writing the award into the database behind the service's back is not supported any more: the service keeps
    /// the directory in memory, so the one process that serves the SQLite file must be the one that writes it.
    /// </summary>
    private static async Task<(bool Visible, double Ms)> NewAwardIsVisibleAsync(ServiceHost host, HttpClient client)
    {
        var before = await client.GetStringAsync($"/api/v1/employees/{Fresh}/badges");
        using var svgBefore = await client.GetAsync($"/api/v1/employees/{Fresh}/badges.svg");
        var etag = svgBefore.Headers.ETag;

        using var source = host.Client(await host.CreateSourceKeyAsync());
        using var admin = host.Client(ServiceHost.AdminKey);
        var now = DateTimeOffset.UtcNow;
        // Merge Master's bronze: ten merged pull requests in a year, each reviewed by a colleague and settled.
        var pullRequests = Enumerable.Range(1, 10).Select(i =>
        {
            var reviewer = OrganisationEvents.EmployeeId(i);
            return new EventRow($"fresh-pr-{i}", "pr.merged", Fresh, now.AddDays(-10 - 7 * i),
                $$"""{"pr_id":"fresh-{{i}}","repo":"web","lines_added":40,"lines_deleted":3,"merged_by":"{{reviewer}}","reviewers":["{{reviewer}}"]}""");
        });
        using var posted = await source.PostAsync("/api/v1/events", new ByteArrayContent(EventRow.Batch(pullRequests)) { Headers = { ContentType = new("application/json") } });
        posted.EnsureSuccessStatusCode();
        using var evaluated = await admin.PostAsync("/api/v1/evaluations", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        evaluated.EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        var after = await client.GetStringAsync($"/api/v1/employees/{Fresh}/badges");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/employees/{Fresh}/badges.svg");
        if (etag is not null)
        {
            conditional.Headers.IfNoneMatch.Add(etag);
        }

        using var svgAfter = await client.SendAsync(conditional);
        var svg = await svgAfter.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        var visible = !before.Contains("merge-master", StringComparison.Ordinal)
            && after.Contains("merge-master", StringComparison.Ordinal)
            && svgAfter.StatusCode == HttpStatusCode.OK && svg.Contains("Merge Master", StringComparison.Ordinal);
        return (visible, ms);
    }

    private static void Seed(string databasePath, int employees)
    {
        var now = DateTimeOffset.UtcNow;
        using var connection = DirectInsert.Open(databasePath, synchronous: "OFF");
        using var transaction = connection.BeginTransaction();
        using var employee = connection.CreateCommand();
        employee.Transaction = transaction;
        // As SCIM provisions them: people, whose reviews vouch for the fresh employee's merges (NewAwardIsVisibleAsync).
        employee.CommandText = "INSERT INTO employees (id, display_name, team, is_bot, created_at, updated_at, added_by) VALUES ($id, $name, $team, 0, $now, $now, 'scim')";
        var id = employee.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        var name = employee.Parameters.Add("$name", Microsoft.Data.Sqlite.SqliteType.Text);
        var team = employee.Parameters.Add("$team", Microsoft.Data.Sqlite.SqliteType.Text);
        employee.Parameters.AddWithValue("$now", UtcTimestampHandler.ToText(now));
        string[] badges = ["merge-master", "suggestion-savant", "trusted-reviewer", "steady-shipper", "frugal-builder"];
        for (var i = 0; i <= employees; i++)
        {
            id.Value = i == employees ? Fresh : OrganisationEvents.EmployeeId(i);
            name.Value = $"Employee {i}";
            team.Value = $"Team {i % 50}";
            employee.ExecuteNonQuery();
            for (var b = 0; i < employees && b < i % 6; b++)
            {
                InsertAward(connection, (string)id.Value, badges[b], (i + b) % 3, now.AddDays(-(i % 300)), transaction);
            }
        }

        transaction.Commit();
    }

    private static void InsertAward(Microsoft.Data.Sqlite.SqliteConnection connection, string employee, string badge, int rank, DateTimeOffset at, Microsoft.Data.Sqlite.SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO awards (employee_id, badge_key, status, tier, tier_rank, badge_version, value, awarded_at, evidence, updated_at)
            VALUES ($employee, $badge, 'active', $tier, $rank, 1, 60, $at, '[1,2,3]', $at)
            """;
        command.Parameters.AddWithValue("$employee", employee);
        command.Parameters.AddWithValue("$badge", badge);
        command.Parameters.AddWithValue("$tier", new[] { "bronze", "silver", "gold" }[rank]);
        command.Parameters.AddWithValue("$rank", rank);
        command.Parameters.AddWithValue("$at", UtcTimestampHandler.ToText(at));
        command.ExecuteNonQuery();
    }

    private static async Task<WebApplication> BareEndpointAsync(byte[] json, byte[] svg)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            Args = [$"--urls=http://127.0.0.1:{ServiceHost.FreePort()}", "--Logging:LogLevel:Default=Warning"],
        });
        var app = builder.Build();
        app.MapGet("/bare.json", () => Results.Bytes(json, "application/json; charset=utf-8"));
        app.MapGet("/bare.svg", () => Results.Bytes(svg, "image/svg+xml; charset=utf-8"));
        await app.StartAsync();
        return app;
    }
}
