namespace Achievements.Benchmarks;

/// <summary>
/// How big each scenario of the report is. Quick finishes in under 3 minutes on 2 cores; full is the scale.
/// Quick gives employees the full scale's year of events (1,000), so that its projection to 10,000 employees
/// multiplies only the number of employees.
/// </summary>
internal sealed record Scale(
    string Name,
    int IngestEvents,
    int SinglePosts,
    int DirectoryEmployees,
    TimeSpan ReadDuration,
    int[] OrganisationSizes,
    int EventsPerEmployee,
    int[] RuleEventCounts)
{
    /// <summary>The areas to run (rules, ingestion, insert, directory, directory-wrk, evaluation); null runs all and rewrites docs/performance.md.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    public bool Runs(string area) => Only is null || Only.Contains(area);

    public static readonly Scale Quick = new(
        "quick", IngestEvents: 20_000, SinglePosts: 3_000, DirectoryEmployees: 10_000, ReadDuration: TimeSpan.FromSeconds(4),
        OrganisationSizes: [100, 1_000], EventsPerEmployee: 1_000, RuleEventCounts: [1_000, 10_000, 100_000]);

    /// <summary>10,000 employees with about a year of events each (1,000): 10 million events.</summary>
    public static readonly Scale Full = new(
        "full", IngestEvents: 200_000, SinglePosts: 20_000, DirectoryEmployees: 10_000, ReadDuration: TimeSpan.FromSeconds(20),
        OrganisationSizes: [1_000, 10_000], EventsPerEmployee: 1_000, RuleEventCounts: [1_000, 10_000, 100_000]);

    /// <summary>Overrides from the command line, for a run between the two: --employees 1000,10000 --events-per-employee 100.</summary>
    public Scale With(string[] args)
    {
        var scale = this;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            scale = args[i] switch
            {
                "--employees" => scale with { Name = "custom", OrganisationSizes = [.. args[i + 1].Split(',').Select(int.Parse)] },
                "--events-per-employee" => scale with { Name = "custom", EventsPerEmployee = int.Parse(args[i + 1]) },
                "--ingest-events" => scale with { Name = "custom", IngestEvents = int.Parse(args[i + 1]) },
                "--only" => scale with { Only = args[i + 1].Split(',').ToHashSet(StringComparer.Ordinal) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return scale;
    }
}
