using System.Globalization;
using Achievements.Api.Infrastructure;
using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Api.Simulation;

/// <summary>
/// <c>simulate --employees N --days N --seed N</c>: runs a simulated organisation through the real ingestion and
/// evaluation on a throwaway database and reports what each persona earned. It fails (exit 1) when a farming
/// persona holds an active award above what its genuine work alone earns, a strong honest developer holds none, or
/// any honest person is flagged or held, so it can guard the central promise, in both directions, in CI.
/// </summary>
internal static class SimulateCommand
{
    public const int Success = 0;
    public const int PromiseBroken = 1;
    public const int BadArguments = 2;

    /// <summary>A fixed end of the simulated year, so that the same seed gives the same bytes on any day.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>How many of the honest people flagged or held the verdict names; the rest it counts.</summary>
    private const int NamedInVerdict = 5;

    private const string Usage = """
        Usage: Achievements.Api simulate [--employees N] [--days N] [--seed N] [--tiers FILE]

          --employees N   people in the directory, every farming persona's included (default 200)
          --days N        days of history ending at 2026-06-01T12:00Z, 1 to 365 (default 365)
          --seed N        seed of the random generator; the same seed gives the same output (default 7)
          --tiers FILE    also write every person's tier on every live badge to FILE as CSV
                          (employee,shape,honest,badge,tier,status,library_tier: the tier under
                          the scoring library's built-in policy, counted in memory), to compare runs

        Honest people are everyone in an honest run (single developers with their colleagues, and
        whole teams: siloed, mixed, busy, with a high performer) and the bystanders in farming runs.

        Exit codes: 0 the promise held, 1 a farming persona holds an active award above what its
        genuine work alone earns, a strong honest developer earned nothing, or an honest person
        is flagged or holds a held award, 2 bad arguments.
        """;

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, adjustCatalog: null, CancellationToken.None);

    /// <summary>The command itself; <paramref name="adjustCatalog"/> is a seam for tests that changes the catalog through the mediator before any event is ingested.</summary>
    internal static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, Func<IMediator, CancellationToken, Task>? adjustCatalog, CancellationToken cancellationToken)
    {
        if (args is ["--help"] or ["-h"])
        {
            await output.WriteLineAsync(Usage);
            return Success;
        }

        if (SimulationOptions.Parse(args, out var problem) is not { } options)
        {
            await output.WriteLineAsync(problem);
            await output.WriteLineAsync(Usage);
            return BadArguments;
        }

        var organisation = Organisation.Build(options.Employees, options.Days, options.Seed, Now);
        if (organisation is null)
        {
            await output.WriteLineAsync($"--employees must be at least {Organisation.MinimumEmployees(Now)}: every farming persona's people and one honest team.");
            await output.WriteLineAsync(Usage);
            return BadArguments;
        }

        var databasePath = Path.Combine(Path.GetTempPath(), $"achievements-simulation-{Guid.NewGuid():N}.db");
        try
        {
            await using var app = BuildApp(databasePath);
            await app.PrepareDatabaseAsync(cancellationToken);
            await using var scope = app.Services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            if (adjustCatalog is not null)
            {
                await adjustCatalog(mediator, cancellationToken);
            }

            await OrganisationSeeding.SeedAsync(mediator, organisation.Runs, cancellationToken);
            var connections = app.Services.GetRequiredService<IDbConnectionFactory>();
            var report = await SimulationReport.ReadAsync(mediator, connections, organisation.Runs, Now, cancellationToken);
            if (options.Tiers is { } tiers)
            {
                await TierFile.WriteAsync(tiers, connections, organisation.Runs, Now, cancellationToken);
            }

            var farming = organisation.Runs.Count(run => run.Farming);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulated {organisation.Employees} employees and {organisation.Phantoms} phantom accounts ({organisation.Runs.Count - farming} honest runs, {farming} farming personas) over {options.Days} days to {Now:yyyy-MM-dd'T'HH:mm'Z'}, seed {options.Seed}."));
            await output.WriteLineAsync();
            report.WriteTo(output);
            await output.WriteLineAsync();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Honest people flagged or held: {report.HonestFlaggedOrHeld.Count} of {report.HonestPeople}."));
            await output.WriteLineAsync(Verdict(report));
            return ExitCode(report);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The real service's composition on a temporary file, with a clock that stands still and no background worker.</summary>
    private static WebApplication BuildApp(string databasePath)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Always a throwaway SQLite file, whichever store the environment configures: a simulation is a
            // calculation, not data to keep, and it must never write into a shared PostgreSQL database.
            ["Achievements:Database:Provider"] = "sqlite",
            ["ConnectionStrings:Achievements"] = $"Data Source={databasePath}",
            // A configured admin key stops start-up from creating and printing one.
            ["Achievements:AdminKey"] = $"simulation-{Guid.NewGuid():N}",
            ["Achievements:Evaluation:Background"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        builder.AddAchievements();
        builder.Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        return builder.Build();
    }

    /// <summary>Success when the promise held both ways, PromiseBroken when a farmer won or an honest person lost.</summary>
    internal static int ExitCode(SimulationReport report) => report.Passed ? Success : PromiseBroken;

    internal static string Verdict(SimulationReport report)
    {
        var problems = report.FarmingWinners.Select(winner => $"farming persona {winner.Persona} holds an active award above its genuine work: {string.Join(", ", winner.Awards.Distinct())}")
            .Concat(report.StrongWithoutAward.Select(employee => $"strong honest developer {employee} earned nothing"))
            .Concat(report.HonestFlaggedOrHeld.Count == 0 ? [] : [HonestWronged(report.HonestFlaggedOrHeld)])
            .ToList();
        return problems.Count == 0
            ? $"Verdict: the promise holds. No farming persona holds an active award above what its genuine work earns; all {report.StrongDevelopers} strong honest developers earned at least one; no honest person is flagged or held."
            : $"Verdict: the promise is broken: {string.Join("; ", problems)}.";
    }

    /// <summary>"3 honest people flagged or held: a, b, c", the first few named and the rest counted.</summary>
    private static string HonestWronged(IReadOnlyList<string> wronged)
    {
        var more = wronged.Count > NamedInVerdict ? string.Create(CultureInfo.InvariantCulture, $" and {wronged.Count - NamedInVerdict} more") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{wronged.Count} honest {(wronged.Count == 1 ? "person" : "people")} flagged or held: {string.Join(", ", wronged.Take(NamedInVerdict))}{more}");
    }
}

/// <summary>The simulate command's arguments; null, with the reason, when any is missing, unknown or out of range.</summary>
internal sealed record SimulationOptions(int Employees, int Days, int Seed, string? Tiers = null)
{
    public const int MaximumEmployees = 5000;
    public const int MaximumDays = 365;

    public static SimulationOptions? Parse(IReadOnlyList<string> args, out string problem)
    {
        var options = new SimulationOptions(200, MaximumDays, 7);
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (name is not ("--employees" or "--days" or "--seed" or "--tiers"))
            {
                problem = $"Unknown argument '{name}'.";
                return null;
            }

            if (name == "--tiers")
            {
                if (i + 1 >= args.Count || string.IsNullOrWhiteSpace(args[i + 1]))
                {
                    problem = "--tiers needs a file name.";
                    return null;
                }

                options = options with { Tiers = args[i + 1] };
                continue;
            }

            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                problem = $"{name} needs a whole number.";
                return null;
            }

            (options, problem) = name switch
            {
                "--employees" when value is < 1 or > MaximumEmployees => (options, $"--employees must be between 1 and {MaximumEmployees}."),
                "--employees" => (options with { Employees = value }, ""),
                "--days" when value is < 1 or > MaximumDays => (options, $"--days must be between 1 and {MaximumDays}."),
                "--days" => (options with { Days = value }, ""),
                _ => (options with { Seed = value }, ""),
            };
            if (problem.Length > 0)
            {
                return null;
            }
        }

        problem = "";
        return options;
    }
}
