using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using SignalCatalog = Achievements.Scoring.SignalCatalog;

namespace Achievements.Api.Engine.History;

/// <summary>
/// What scoring needs once rather than per employee, loaded from the database: the catalog and its compiled policy,
/// the live badges, who the bots are, who the people are, the confirmed rings, who is held by an open flag, and the
/// closed circles not cleared by an admin. Everything it decides
/// it asks of the scoring engine; it only loads.
/// </summary>
internal sealed class EvaluationContext
{
    private const string SelectBots = "SELECT id FROM employees WHERE is_bot = 1";

    // Only people vouch: non-bot employees an authority put in the directory (AddedBy), deactivated ones too, since the
    // reviews they gave before leaving were real. Read once per pass: a set of ids, small beside the histories.
    private const string SelectPeople = "SELECT id FROM employees WHERE is_bot = 0 AND added_by IS NOT NULL";

    private const string SelectCollusion = "SELECT flag_id AS \"Group\", employee_id AS Employee FROM collusion_groups";

    // Employees with an open flag of a holding detector: their grants and upgrades are held for review.
    private static string SelectHeld(SqlDialect sql) => $"""
        SELECT DISTINCT m.employee_id FROM flag_members m JOIN flags f ON f.id = m.flag_id
        WHERE f.status = 'open' AND f.detector IN (SELECT value FROM {sql.Values("@Holding")})
        """;

    // Closed circles and patronage flagged and open, or confirmed: a circle's members vouch for each other as one
    // voice, and patrons for their author with none. A dismissed flag was judged honest, so its members are
    // separate voices again.
    private static string SelectVoiceFlags(SqlDialect sql) => $"""
        SELECT f.id AS Flag, f.detector AS Detector, m.employee_id AS Employee FROM flags f JOIN flag_members m ON m.flag_id = f.id
        WHERE f.detector IN (SELECT value FROM {sql.Values("@Detectors")}) AND f.status IN ('open', 'confirmed')
        ORDER BY f.id
        """;

    // The published badges' live versions: what evaluation judges.
    private const string SelectLive = """
        SELECT b.key AS Key, v.version AS Version, v.name AS Name, v.description AS Description, v.icon AS Icon,
               v.metric AS Metric, v.requires AS Requires, v.tiers AS Tiers, v.expires_after AS ExpiresAfter
        FROM badges b JOIN badge_versions v ON v.badge_key = b.key AND v.version = b.live_version
        WHERE b.status = 'published'
        ORDER BY b.key
        """;

    private const string SelectEmployee = "SELECT id AS Id, is_bot AS IsBot FROM employees WHERE id = @Id";

    private const string SelectActiveEmployees = """
        SELECT e.id FROM employees e
        WHERE e.is_bot = 0 AND e.active = 1 AND EXISTS (SELECT 1 FROM events v WHERE v.actor = e.id)
        ORDER BY e.id
        """;

    public required SignalCatalog Catalog { get; init; }
    public required Rules.SignalCatalog RuleCatalog { get; init; }
    public required CountingPolicy Policy { get; init; }
    public required IReadOnlyList<CompiledBadge> Badges { get; init; }
    public required IReadOnlySet<string> Bots { get; init; }
    public required DateTimeOffset Now { get; init; }
    public CollusionGroups Collusion { get; init; } = CollusionGroups.None;
    public IReadOnlySet<string> Held { get; init; } = new HashSet<string>();

    /// <summary>Who vouches with an independent voice: open and confirmed circles and patronage, and who is a person.</summary>
    public IndependentVoices Voices { get; init; } = IndependentVoices.Everyone;

    public static async Task<EvaluationContext> LoadAsync(DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);
        var ruleCatalog = catalog.ToRuleCatalog();
        var bots = await connection.QueryAsync<string>(new CommandDefinition(SelectBots, cancellationToken: cancellationToken));
        var live = await connection.QueryAsync<LiveBadgeRow>(new CommandDefinition(SelectLive, cancellationToken: cancellationToken));
        var people = (await connection.QueryAsync<string>(new CommandDefinition(SelectPeople, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        return new EvaluationContext
        {
            Catalog = catalog,
            RuleCatalog = ruleCatalog,
            Policy = CountingPolicy.Compile(catalog),
            // A version that no longer compiles against today's catalog is skipped, never guessed at.
            Badges = [.. live.Select(row => BadgeCompiler.TryCompile(row.Key, (int)row.Version, row.Definition(), ruleCatalog).Badge).OfType<CompiledBadge>()],
            Bots = bots.ToHashSet(StringComparer.Ordinal),
            Now = now,
            Collusion = CollusionGroups.From(await connection.QueryAsync<(long Group, string Employee)>(new CommandDefinition(SelectCollusion, cancellationToken: cancellationToken))),
            Held = (await connection.QueryAsync<string>(new CommandDefinition(SelectHeld(SqlDialect.Of(connection)), new { Holding = JsonSerializer.Serialize(Finding.Holding) }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal),
            Voices = IndependentVoices.From(people, await connection.QueryAsync<(long Flag, string Detector, string Employee)>(new CommandDefinition(
                SelectVoiceFlags(SqlDialect.Of(connection)), new { Detectors = JsonSerializer.Serialize(Finding.ChangingVoices) }, cancellationToken: cancellationToken))),
        };
    }

    /// <summary>Where an employee stands on a badge as of a moment: <see cref="Standings.Of"/> with this catalog.</summary>
    public BadgeStanding Judge(CompiledBadge badge, CountedEvents counted, DateTimeOffset moment) => Standings.Of(badge, counted, Catalog, moment);

    /// <summary>The non-bot employees in the directory (not deactivated) who have any event: the population previews run over.</summary>
    public static async Task<IReadOnlyList<string>> ActiveEmployeesAsync(DbConnection connection, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<string>(new CommandDefinition(SelectActiveEmployees, cancellationToken: cancellationToken))];

    /// <summary>Loads one employee's events and reads them, with the corrections that apply to them.</summary>
    public async Task<EmployeeHistory?> LoadEmployeeAsync(DbConnection connection, DbTransaction? transaction, string employeeId, CancellationToken cancellationToken)
    {
        var employee = await connection.QuerySingleOrDefaultAsync<(string Id, long IsBot)?>(new CommandDefinition(SelectEmployee, new { Id = employeeId }, transaction, cancellationToken: cancellationToken));
        if (employee is null)
        {
            return null;
        }

        var events = await HistoryReader.ReadAsync(connection, transaction, employeeId, Policy, Bots, cancellationToken);
        var corrections = await CorrectionLookup.CorrectionsOfAsync(connection, transaction, events, cancellationToken);
        var shipping = await CorrectionLookup.ShippingOfAsync(connection, transaction, events, Policy, Bots, cancellationToken);
        return new EmployeeHistory(employeeId, employee.Value.IsBot != 0, events, corrections, shipping, Policy, Collusion, Voices);
    }

    private sealed record LiveBadgeRow
    {
        public required string Key { get; init; }
        public long Version { get; init; }
        public required string Name { get; init; }
        public required string Description { get; init; }
        public required string Icon { get; init; }
        public required string Metric { get; init; }
        public required string Requires { get; init; }
        public required string Tiers { get; init; }
        public string? ExpiresAfter { get; init; }

        public BadgeDefinition Definition() => BadgeDefinition.FromJsonLists(Name, Description, Icon, Metric, Requires, Tiers, ExpiresAfter);
    }
}
