using System.Globalization;
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
internal static class TierFile
{
    private const string SelectLiveBadges = "SELECT key FROM badges WHERE live_version IS NOT NULL ORDER BY key";

    private const string SelectAwards = "SELECT employee_id AS Employee, badge_key AS Badge, tier AS Tier, status AS Status FROM awards WHERE tier IS NOT NULL";

    public static async Task WriteAsync(string path, IDbConnectionFactory connections, IReadOnlyList<PersonaRun> runs, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var badges = (await connection.QueryAsync<string>(new CommandDefinition(SelectLiveBadges, cancellationToken: cancellationToken))).ToList();
        var awards = (await connection.QueryAsync<(string Employee, string Badge, string Tier, string Status)>(new CommandDefinition(SelectAwards, cancellationToken: cancellationToken)))
            .ToDictionary(a => (a.Employee, a.Badge), a => (a.Tier, a.Status));

        await using var file = new StreamWriter(path, append: false);
        await file.WriteLineAsync("employee,shape,honest,badge,tier,status");
        foreach (var run in runs)
        {
            var honest = run.HonestPeople.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var employee in run.People)
            {
                foreach (var badge in badges)
                {
                    var (tier, status) = awards.TryGetValue((employee.Id, badge), out var award) ? award : ("none", "-");
                    await file.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{employee.Id},{run.Persona},{(honest.Contains(employee.Id) ? "true" : "false")},{badge},{tier},{status}"));
                }
            }
        }
    }
}
