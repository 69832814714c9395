using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Achievements.Benchmarks;

/// <summary>
/// The issue-8 report: every figure as ours / a baseline measured in the same run. Prints the table and
/// rewrites the results section of docs/performance.md, leaving the analysis around it as written.
/// </summary>
internal static class PerformanceReport
{
    private const string Start = "<!-- results:start (written by the benchmark run) -->";
    private const string End = "<!-- results:end -->";

    private static readonly List<string> Breakdowns = [];

    /// <summary>A measured breakdown behind a figure: printed now and listed under the table.</summary>
    public static void Note(string area, string breakdown)
    {
        Console.WriteLine($"  breakdown: {breakdown}");
        Breakdowns.Add($"- {area}: {breakdown}");
    }

    public static async Task<int> RunAsync(Scale scale, string[] options)
    {
        scale = scale.With(options);
        var clock = Stopwatch.StartNew();
        var log = Console.Out;
        var figures = new List<Figure>();

        if (scale.Runs("rules"))
        {
            log.WriteLine($"== Rule evaluation vs RulesEngine 6.0.1 ({scale.Name})");
            figures.AddRange(RuleFigures(scale));
        }

        if (scale.Runs("ingestion"))
        {
            log.WriteLine("== Ingestion vs the SQLite ceiling");
            figures.AddRange(await IngestionScenario.RunAsync(scale, log));
        }

        if (scale.Runs("insert"))
        {
            log.WriteLine("== Ingestion's event insert: SQLite's C API vs a prepared SqliteCommand");
            figures.AddRange(await EventInsertComparison.RunAsync(scale, log));
        }

        if (scale.Runs("directory"))
        {
            log.WriteLine("== Directory reads vs a bare endpoint");
            figures.AddRange(await DirectoryReadScenario.RunAsync(scale, log));
        }

        if (scale.Runs("directory-wrk"))
        {
            log.WriteLine("== Directory tail latency under wrk vs a bare endpoint, on each store");
            figures.AddRange(await DirectoryWrkScenario.RunAsync(scale, log));
        }

        if (scale.Runs("evaluation"))
        {
            log.WriteLine("== Re-evaluation at organisation scale");
            figures.AddRange(await OrganisationEvaluationScenario.RunAsync(scale, log));
        }

        var command = $"dotnet run -c Release --project tests/Achievements.Benchmarks -- {string.Join(' ', new[] { $"--{(scale.Name == "full" ? "full" : "quick")}" }.Concat(options))}";
        var section = Section(scale, command, figures, clock.Elapsed);
        log.WriteLine();
        log.WriteLine(section);
        if (scale.Only is not null)
        {
            // A partial run is for working on one area: it does not replace the report of a whole one.
            log.WriteLine("Partial run (--only): docs/performance.md left as it was.");
            return 0;
        }

        var path = WriteDocument(section);
        log.WriteLine($"Wrote {path} in {clock.Elapsed.TotalSeconds:0} s.");
        return 0;
    }

    private static IEnumerable<Figure> RuleFigures(Scale scale)
    {
        var job = scale == Scale.Full
            ? Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            : new Job("quick").WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
                .WithIterationTime(TimeInterval.FromMilliseconds(150));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
            .AddLogger(new ConsoleLogger())
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "achievements-bdn"))
            .WithOptions(ConfigOptions.DisableLogFile);

        var compile = Reports(BenchmarkRunner.Run<RuleCompileComparison>(config));
        yield return new Figure("Rules", "Compile the three rules (µs)", compile[("Ours", 0)].Mean / 1e3, compile[("RulesEngineCompile", 0)].Mean / 1e3, "µs");

        var evaluate = Reports(BenchmarkRunner.Run<RuleEvaluationComparison>(config));
        foreach (var events in scale.RuleEventCounts)
        {
            var (ours, theirs) = (evaluate[("Ours", events)], evaluate[("RulesEngineEvaluate", events)]);
            yield return new Figure("Rules", $"Evaluate the three rules, {events:N0} events (µs)", ours.Mean / 1e3, theirs.Mean / 1e3, "µs", "≤ 0.1 (10× faster)", ours.Mean / theirs.Mean <= 0.1);
            yield return new Figure("Rules", $"Allocated per evaluation, {events:N0} events (B)", ours.Allocated, theirs.Allocated, "B", "ours 0 B", ours.Allocated == 0);
        }
    }

    private static Dictionary<(string Method, int Events), (double Mean, double Allocated)> Reports(Summary summary) =>
        summary.Reports.Where(r => r.ResultStatistics is not null).ToDictionary(
            r => (r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r.BenchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Events")?.Value is int n ? n : 0),
            r => (r.ResultStatistics!.Mean, (double)(r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? -1)));

    private static string Section(Scale scale, string command, IEnumerable<Figure> figures, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        text.AppendLine(Start);
        text.AppendLine(CultureInfo.InvariantCulture, $"Run `{command}` on {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, scale **{scale.Name}**, in {elapsed.TotalSeconds:0} s.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores ({RuntimeInformation.ProcessArchitecture}), {memory:0.#} GiB memory, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; server GC off, Release build.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Scale: ingestion {scale.IngestEvents:N0} events in batches, {scale.SinglePosts:N0} single posts; directory {scale.DirectoryEmployees:N0} employees, {scale.ReadDuration.TotalSeconds:0} s per read run; re-evaluation {string.Join(" and ", scale.OrganisationSizes.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} employees × {scale.EventsPerEmployee:N0} events; rules over {string.Join(", ", scale.RuleEventCounts.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} events of one employee.");
        text.AppendLine();
        text.AppendLine("| Area | Figure | Ours | Baseline | Unit | Ours / baseline | Target | |");
        text.AppendLine("|---|---|---:|---:|---|---:|---|---|");
        foreach (var figure in figures)
        {
            text.AppendLine(figure.Row());
        }

        text.AppendLine();
        text.AppendLine("Stopwatch breakdowns measured in the same run:");
        text.AppendLine();
        foreach (var line in Breakdowns)
        {
            text.AppendLine(line);
        }

        text.AppendLine(End);
        return text.ToString();
    }

    private static string WriteDocument(string section)
    {
        var directory = new DirectoryInfo(Environment.CurrentDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? Environment.CurrentDirectory, "docs", "performance.md");
        var document = File.Exists(path) ? File.ReadAllText(path) : $"# Performance\n\n## Results\n\n{Start}\n{End}\n";
        var (from, to) = (document.IndexOf(Start, StringComparison.Ordinal), document.IndexOf(End, StringComparison.Ordinal));
        document = from >= 0 && to > from
            ? document[..from] + section.TrimEnd() + document[(to + End.Length)..]
            : document.TrimEnd() + "\n\n## Results\n\n" + section;
        File.WriteAllText(path, document);
        return path;
    }
}
