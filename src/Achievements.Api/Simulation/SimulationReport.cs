using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Achievements.Api.Engine.History;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Gaming;
using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;

namespace Achievements.Api.Simulation;

/// <summary>
/// One line of the report: a farming persona, or all honest runs of one shape together. For a farming persona,
/// <c>GenuineAwards</c> is what its genuine events alone earn (every employee's tier, as the gate judges it) and
/// <c>AboveGenuine</c> the active awards higher than that: the farming that paid. <c>Employees</c> counts people in
/// the directory; a phantom account's awards still show. <c>HonestPeople</c> are the row's honest people (all of an
/// honest shape's, a farming persona's bystanders) and <c>HonestFlaggedOrHeld</c> those of them in an open flag or
/// with a held award: each one a defence that wronged an honest person.
/// </summary>
internal sealed record PersonaOutcome(
    string Persona,
    bool Farming,
    int Runs,
    int Employees,
    int Events,
    long Tokens,
    int CountedOutcomes,
    IReadOnlyList<string> ActiveAwards,
    IReadOnlyList<string> GenuineAwards,
    IReadOnlyList<string> AboveGenuine,
    int Held,
    int Flags,
    int HonestPeople,
    int HonestFlaggedOrHeld);

/// <summary>What the organisation earned after evaluation, read back from the service as its users would see it.</summary>
internal sealed class SimulationReport
{
    private const string HonestStrong = "honest-strong";

    private const string SelectHeld = "SELECT employee_id AS Employee, COUNT(*) AS Held FROM awards WHERE status = 'held' GROUP BY employee_id";

    private const string FlagsExist = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'flags'";

    private const string SelectOpenFlags = "SELECT employees FROM flags WHERE status = 'open'";

    private const string SelectAward = "SELECT tier AS Tier, status AS Status FROM awards WHERE employee_id = @Employee AND badge_key = @Badge AND tier IS NOT NULL";

    /// <summary>The personas that ship the same lines, sliced and whole, and the badge on which they are compared.</summary>
    private static readonly (string Persona, string Badge)[] SameLines = [("slicer", "merge-master"), ("slicer-control", "merge-master")];

    public required IReadOnlyList<PersonaOutcome> Rows { get; init; }

    /// <summary>
    /// Farming personas holding an active award above what their genuine work alone earns, with those awards: each
    /// one is a way to earn a badge without the work.
    /// </summary>
    public required IReadOnlyList<(string Persona, IReadOnlyList<string> Awards)> FarmingWinners { get; init; }

    /// <summary>Honest-strong developers (not their colleagues) without any active award.</summary>
    public required IReadOnlyList<string> StrongWithoutAward { get; init; }

    public required int StrongDevelopers { get; init; }

    /// <summary>Honest people (employees of honest runs and farming runs' bystanders) in an open flag or holding a held award, in run order.</summary>
    public required IReadOnlyList<string> HonestFlaggedOrHeld { get; init; }

    public required int HonestPeople { get; init; }

    /// <summary>
    /// The slicer's and its control's developers' tiers on the badge they are compared on, with the award's status
    /// ("silver (held)"), or "none": the same lines sliced and shipped whole, side by side.
    /// </summary>
    public IReadOnlyList<(string Persona, string Badge, string Tier)> SlicedBesideWhole { get; init; } = [];

    public bool Passed => FarmingWinners.Count == 0 && StrongWithoutAward.Count == 0 && HonestFlaggedOrHeld.Count == 0;

    public static async Task<SimulationReport> ReadAsync(IMediator mediator, IDbConnectionFactory connections, IReadOnlyList<PersonaRun> runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var held = (await connection.QueryAsync<(string Employee, long Held)>(new CommandDefinition(SelectHeld, cancellationToken: cancellationToken)))
            .ToDictionary(row => row.Employee, row => (int)row.Held, StringComparer.Ordinal);
        var flags = await OpenFlagsAsync(connection, cancellationToken);
        var flagged = flags.SelectMany(members => members).ToHashSet(StringComparer.Ordinal);
        // Honest runs' people first, then bystanders: the table's order, which the verdict names them in.
        var honest = runs.OrderBy(run => run.Farming).SelectMany(run => run.HonestPeople).Select(e => e.Id).ToList();
        var wronged = honest.Where(id => flagged.Contains(id) || held.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);

        var genuine = GenuineTiers(runs.Where(run => run.Farming), context, now);
        var awards = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var aboveGenuine = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var counted = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var employee in runs.SelectMany(Accounts))
        {
            var badges = (await mediator.Send(new GetEmployeeBadges(employee.Id), cancellationToken)).Badges;
            awards[employee.Id] = [.. badges.Select(b => $"{b.Badge}:{b.Tier}")];
            // Only farming personas' employees have genuine tiers: all of an honest team's work is genuine.
            aboveGenuine[employee.Id] = genuine.TryGetValue(employee.Id, out var tiers)
                ? [.. badges.Where(b => b.TierRank > tiers[b.Badge].Rank).Select(b => $"{b.Badge}:{b.Tier} (genuine {tiers[b.Badge].Name ?? "none"})")]
                : [];
            counted[employee.Id] = await CountedOutcomesAsync(connection, context, employee.Id, now, cancellationToken);
        }

        var rows = runs
            .GroupBy(run => run.Persona)
            .Select(group =>
            {
                var employees = group.SelectMany(Accounts).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
                var honestPeople = group.SelectMany(run => run.HonestPeople).Select(e => e.Id).ToList();
                return new PersonaOutcome(
                    group.Key,
                    group.First().Farming,
                    group.Count(),
                    group.Sum(run => run.People.Count()),
                    group.Sum(run => run.Events.Count),
                    group.Sum(run => Tokens(run.Events)),
                    employees.Sum(id => counted[id]),
                    [.. employees.SelectMany(id => awards[id])],
                    [.. employees.SelectMany(id => genuine.TryGetValue(id, out var tiers) ? tiers.Where(t => t.Value.Name is not null).Select(t => $"{t.Key}:{t.Value.Name}") : [])],
                    [.. employees.SelectMany(id => aboveGenuine[id])],
                    employees.Sum(id => held.GetValueOrDefault(id)),
                    flags.Count(members => members.Overlaps(employees)),
                    honestPeople.Count,
                    honestPeople.Count(wronged.Contains));
            })
            .OrderBy(row => row.Farming)
            .ThenBy(row => row.Farming ? 0 : HonestRank(row.Persona))
            .ToList();

        var strong = runs.Where(run => run.Persona == HonestStrong).Select(run => run.Employees[0].Id).ToList();
        var sliced = new List<(string Persona, string Badge, string Tier)>();
        foreach (var (persona, badge) in SameLines)
        {
            foreach (var run in runs.Where(run => run.Persona == persona))
            {
                var award = await connection.QueryFirstOrDefaultAsync<(string Tier, string Status)?>(
                    new CommandDefinition(SelectAward, new { Employee = run.Employees[0].Id, Badge = badge }, cancellationToken: cancellationToken));
                sliced.Add((persona, badge, award is { } a ? a.Status == "active" ? a.Tier : $"{a.Tier} ({a.Status})" : "none"));
            }
        }

        return new SimulationReport
        {
            Rows = rows,
            FarmingWinners = [.. rows.Where(row => row.Farming && row.AboveGenuine.Count > 0).Select(row => (row.Persona, row.AboveGenuine))],
            StrongWithoutAward = [.. strong.Where(id => awards[id].Count == 0)],
            StrongDevelopers = strong.Count,
            HonestFlaggedOrHeld = [.. honest.Where(wronged.Contains)],
            HonestPeople = honest.Count,
            SlicedBesideWhole = sliced,
        };
    }

    /// <summary>A plain-text table, the same bytes for the same seed: no timings, no ids that change between runs.</summary>
    public void WriteTo(TextWriter output)
    {
        string[] header = ["persona", "runs", "employees", "events", "tokens", "counted", "held", "flags", "honest flagged/held", "genuine work earns", "active awards"];
        var lines = Rows.Select(row => new[]
        {
            row.Persona,
            Number(row.Runs),
            Number(row.Employees),
            Number(row.Events),
            Number(row.Tokens),
            Number(row.CountedOutcomes),
            Number(row.Held),
            Number(row.Flags),
            row.HonestPeople == 0 ? "-" : $"{Number(row.HonestFlaggedOrHeld)} of {Number(row.HonestPeople)}",
            // Honest teams' events are all genuine: what they hold is what their work earns.
            row.Farming ? Awards(row.GenuineAwards) : "(all genuine)",
            Awards(row.ActiveAwards),
        }).ToList();
        var widths = header.Select((title, column) => lines.Select(line => line[column].Length).Append(title.Length).Max()).ToArray();

        output.WriteLine(Line(header, widths));
        output.WriteLine(Line([.. widths.Select(width => new string('-', width))], widths));
        foreach (var line in lines)
        {
            output.WriteLine(Line(line, widths));
        }

        if (SlicedBesideWhole.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"The same lines, sliced and whole: {string.Join(", ", SlicedBesideWhole.Select(s => $"{s.Persona} {s.Badge}:{s.Tier}"))}.");
        }
    }

    /// <summary>
    /// Each farming persona's employees' tiers on every live badge from their genuine events alone, counted in memory
    /// by the gate's own counting: the bar an active award must not be above.
    /// </summary>
    private static Dictionary<string, Dictionary<string, (int Rank, string? Name)>> GenuineTiers(IEnumerable<PersonaRun> runs, EvaluationContext context, DateTimeOffset now)
    {
        var counting = new PersonaCounting(context.Catalog, now, OrganisationSeeding.Source);
        var tiers = new Dictionary<string, Dictionary<string, (int Rank, string? Name)>>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var bots = run.Employees.Where(e => e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            var people = run.People.Where(e => !e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            var counted = counting.Count(run.Events.Where(e => !e.Farmed), bots, people);
            foreach (var employee in run.Employees)
            {
                tiers[employee.Id] = context.Badges.ToDictionary(badge => badge.Key, badge =>
                {
                    var rank = counted.TryGetValue(employee.Id, out var events) ? context.Judge(badge, events, now).TierRank : -1;
                    return (rank, badge.TierName(rank));
                }, StringComparer.Ordinal);
            }
        }

        return tiers;
    }

    /// <summary>Counted outcome events as of now, by the same policy evaluation uses: what the badges could see.</summary>
    private static async Task<int> CountedOutcomesAsync(DbConnection connection, EvaluationContext context, string employee, DateTimeOffset now, CancellationToken cancellationToken) =>
        await context.LoadEmployeeAsync(connection, null, employee, cancellationToken) is { } history
            ? history.CountAsOf(now).All.Count(e => e.Counts && e.Kind == SignalDefinition.Outcome)
            : 0;

    /// <summary>The employees of each open flag. Before the gaming migration has run there are none.</summary>
    private static async Task<List<HashSet<string>>> OpenFlagsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A SQLite file may predate 0003; every PostgreSQL database has had flags since its baseline.
        if (SqlDialect.Of(connection).IsSqlite && await connection.ExecuteScalarAsync<long>(new CommandDefinition(FlagsExist, cancellationToken: cancellationToken)) == 0)
        {
            return [];
        }

        var rows = await connection.QueryAsync<string>(new CommandDefinition(SelectOpenFlags, cancellationToken: cancellationToken));
        return [.. rows.Select(json => (JsonSerializer.Deserialize<string[]>(json) ?? []).ToHashSet(StringComparer.Ordinal))];
    }

    /// <summary>Tokens spent, from the events as posted; a replayed event is counted once.</summary>
    private static long Tokens(IEnumerable<SimulatedEvent> events) =>
        events.Where(e => e.Type == "tokens.consumed").DistinctBy(e => e.Id)
            .Sum(e => e.Attributes.TryGetValue("tokens", out var tokens) ? Convert.ToInt64(tokens, CultureInfo.InvariantCulture) : 0);

    /// <summary>Honest rows in the library's order: the single developers, strong first, then the team shapes.</summary>
    private static int HonestRank(string persona)
    {
        var rank = PersonaLibrary.Honest.Select(p => p.Name).Concat(PersonaLibrary.HonestTeams.Select(p => p.Name)).ToList().IndexOf(persona);
        return rank < 0 ? int.MaxValue : rank;
    }

    /// <summary>
    /// A run's accounts the service knows: its people, and the phantoms its events named (ingestion created those as
    /// actors). A phantom that no event named yet does not exist.
    /// </summary>
    private static IEnumerable<SimulatedEmployee> Accounts(PersonaRun run) =>
        run.Employees.Where(e => e.InDirectory || run.Events.Any(ev => ev.Actor == e.Id));

    /// <summary>Each award once, with how many employees hold it: "merge-master:silver×3".</summary>
    private static string Awards(IReadOnlyList<string> awards) =>
        awards.Count == 0 ? "-"
            : string.Join(' ', awards.GroupBy(a => a, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Count() == 1 ? g.Key : $"{g.Key}×{g.Count()}"));

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var column = 0; column < cells.Length; column++)
        {
            // Text (the persona and the awards) left, numbers right; the last column is not padded so that lines
            // carry no trailing blanks.
            var cell = cells[column];
            var text = column == 0 || column >= cells.Length - 2;
            line.Append(column == cells.Length - 1 ? cell : text ? cell.PadRight(widths[column]) : cell.PadLeft(widths[column]));
            if (column < cells.Length - 1)
            {
                line.Append("  ");
            }
        }

        return line.ToString();
    }
}
