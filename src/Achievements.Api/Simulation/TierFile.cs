using System.Globalization;
using Achievements.Api.Engine.History;
using Achievements.Api.Features.Gaming;
using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Simulation;

/// <summary>
/// <c>simulate --tiers FILE</c>: every person's tier on every live badge as CSV (<c>employee,shape,honest,badge,tier,status</c>),
/// so that two runs of the same seed, before and after a policy change, can be compared person by person. A badge
/// the person does not hold (or had revoked) is <c>none</c>; <c>status</c> is the award's (<c>active</c>, <c>held</c>) or
/// <c>-</c>. Rows are in run order and badge order, the same bytes for the same seed.
/// </summary>
/// <remarks>
/// <c>library_tier</c> is the tier under the scoring library's own built-in policy (<see cref="BuiltInSignals.All"/>),
/// counted in memory the way the gate counts, with no detector's hold: what the counting policy of this build decides
/// on its own, beside what the service, with its stored catalog and its detectors, granted.
/// </remarks>
internal static class TierFile
{
    private const string SelectLiveBadges = "SELECT key FROM badges WHERE live_version IS NOT NULL ORDER BY key";

    private const string SelectAwards = "SELECT employee_id AS Employee, badge_key AS Badge, tier AS Tier, status AS Status FROM awards WHERE tier IS NOT NULL";

    public static async Task WriteAsync(string path, IDbConnectionFactory connections, IReadOnlyList<PersonaRun> runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var library = new SignalCatalog(BuiltInSignals.All);
        var counting = new PersonaCounting(library, now, OrganisationSeeding.Source);
        var people = runs.SelectMany(run => run.People).Where(e => !e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var badges = (await connection.QueryAsync<string>(new CommandDefinition(SelectLiveBadges, cancellationToken: cancellationToken))).ToList();
        var awards = (await connection.QueryAsync<(string Employee, string Badge, string Tier, string Status)>(new CommandDefinition(SelectAwards, cancellationToken: cancellationToken)))
            .ToDictionary(a => (a.Employee, a.Badge), a => (a.Tier, a.Status));

        await using var file = new StreamWriter(path, append: false);
        await file.WriteLineAsync("employee,shape,honest,badge,tier,status,library_tier");
        foreach (var run in runs)
        {
            var honest = run.HonestPeople.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            var counted = counting.Count(run.Events, run.Employees.Where(e => e.IsBot).Select(e => e.Id).ToHashSet(StringComparer.Ordinal), people);
            foreach (var employee in run.People)
            {
                foreach (var badge in badges)
                {
                    var (tier, status) = awards.TryGetValue((employee.Id, badge), out var award) ? award : ("none", "-");
                    var compiled = context.Badges.FirstOrDefault(b => b.Key == badge);
                    var rank = compiled is not null && counted.TryGetValue(employee.Id, out var events) ? Standings.Of(compiled, events, library, now).TierRank : -1;
                    await file.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{employee.Id},{run.Persona},{(honest.Contains(employee.Id) ? "true" : "false")},{badge},{tier},{status},{compiled?.TierName(rank) ?? "none"}"));
                }
            }
        }
    }
}
