using Achievements.Api.Engine.Evaluation;
using Achievements.Api.Features.Employees;
using Achievements.Api.Features.Events;
using Achievements.Api.Features.Gaming.Personas;
using Mediator;

namespace Achievements.Api.Simulation;

/// <summary>
/// Puts persona runs through the service the way real sources would: the directory first (so that bots are
/// known as bots before their first event), then every event through ingestion under the source that posts it,
/// then one evaluation. Phantom accounts are not put in the directory: no authority vouches for them, and
/// ingestion creates them as bare actors when their first event names them, as it would in production.
/// </summary>
internal static class OrganisationSeeding
{
    /// <summary>The source of every event whose persona names none.</summary>
    public const string Source = "simulation";

    /// <summary>Seeds the runs and evaluates everyone they touched.</summary>
    public static async Task<EvaluationSummary> SeedAsync(IMediator mediator, IEnumerable<PersonaRun> runs, CancellationToken cancellationToken)
    {
        var all = runs.ToList();
        foreach (var run in all)
        {
            foreach (var employee in run.People)
            {
                await mediator.Send(new PutEmployee(employee.Id, employee.DisplayName, employee.Team ?? run.Persona, employee.IsBot), cancellationToken);
            }
        }

        foreach (var run in all)
        {
            // Each source posts its own events, in time order; a correction must come from its outcome's source.
            foreach (var (source, batch) in run.Events.GroupBy(e => e.Source ?? Source, StringComparer.Ordinal)
                .SelectMany(bySource => bySource.Chunk(IngestEventsValidator.MaxBatch).Select(batch => (bySource.Key, batch))))
            {
                var result = await mediator.Send(new IngestEvents(source, [.. batch.Select(e => e.ToJson())]), cancellationToken);
                if (result.Rejected > 0)
                {
                    // A persona that writes an invalid event is a bug in the persona, not a finding.
                    var first = result.Results.First(r => r.Status == EventResult.RejectedStatus);
                    throw new InvalidOperationException(
                        $"{run.Persona} wrote an event the service rejects ({first.Id}): {string.Join("; ", first.Errors!.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))}");
                }
            }
        }

        return await mediator.Send(new RunEvaluations(), cancellationToken);
    }
}
