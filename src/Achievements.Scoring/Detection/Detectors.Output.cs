namespace Achievements.Scoring;

public static partial class Detectors
{
    /// <summary>Floors of the spreads (in natural-log units for rate, size and time; in share for trivial work).</summary>
    private const double LogSpreadFloor = 0.35;
    private const double ShareSpreadFloor = 0.08;

    /// <summary>
    /// Substance and rate: someone whose merge rate stands out from the organisation's own people by
    /// <see cref="DetectionOptions.MassZ"/> (a robust z-score of the log of merges in the window), <b>and</b> whose
    /// work stands out as thin by the same margin on at least one measure of substance: smaller pull requests, more
    /// of them trivial (under <see cref="DetectionOptions.TrivialLines"/> lines), or merged sooner after their
    /// approval. This is what catches a farm inside one team, whose review looks like any team's: rate alone is a
    /// busy team or a high performer, and small work alone is a tidy one.
    /// </summary>
    /// <remarks>
    /// The baseline is everyone with a merge in the window, when there are at least
    /// <see cref="DetectionOptions.MassMinimumPeople"/>; the scores use medians and median absolute deviations, so a
    /// farm that is a minority of the organisation cannot move the baseline towards itself. Rate, size and time are
    /// compared as logarithms (a person who merges twice as often is as far above as one who merges half as often is
    /// below), and each spread has a floor, so that an organisation whose people work alike does not make a small
    /// difference an outlier.
    /// </remarks>
    private static IEnumerable<Finding> MassProduction(IReadOnlyDictionary<string, EmployeeActivity> employees, ReviewGraph graph, DateTimeOffset now, DetectionOptions options)
    {
        // Every approval in the window by the pull request it approved: the time from approval to merge.
        var approvedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var activity in employees.Values)
        {
            foreach (var (pull, (_, at)) in activity.ApprovedPulls)
            {
                if (at > graph.From && (!approvedAt.TryGetValue(pull, out var known) || at > known))
                {
                    approvedAt[pull] = at;
                }
            }
        }

        var people = employees
            .Select(e => Output.Of(e.Key, e.Value.Merges.Where(m => m.At > graph.From && m.At <= now).ToList(), approvedAt, options))
            .Where(o => o.Merges > 0)
            .OrderBy(o => o.Employee, StringComparer.Ordinal)
            .ToList();
        if (people.Count < options.MassMinimumPeople)
        {
            yield break;
        }

        var rate = Robust.Baseline([.. people.Select(p => Math.Log(p.Merges))], LogSpreadFloor);
        var size = Robust.Baseline([.. people.Select(p => Math.Log(p.MedianLines + 1))], LogSpreadFloor);
        var trivial = Robust.Baseline([.. people.Select(p => p.TrivialShare)], ShareSpreadFloor);
        var timed = people.Where(p => p.MedianMinutesToMerge is not null).ToList();
        var latency = Robust.Baseline([.. timed.Select(p => Math.Log(p.MedianMinutesToMerge!.Value + 1))], LogSpreadFloor);
        foreach (var person in people.Where(p => p.Merges >= options.MassMinimumMerges))
        {
            var rateZ = Robust.Z(Math.Log(person.Merges), rate);
            if (rateZ < options.MassZ)
            {
                continue;
            }

            // Thin work scores high: small, trivial, or merged soon after approval.
            var sizeZ = -Robust.Z(Math.Log(person.MedianLines + 1), size);
            var trivialZ = Robust.Z(person.TrivialShare, trivial);
            double? latencyZ = person.MedianMinutesToMerge is { } minutes && timed.Count >= options.MassMinimumPeople
                ? -Robust.Z(Math.Log(minutes + 1), latency)
                : null;
            var substanceZ = Math.Max(Math.Max(sizeZ, trivialZ), latencyZ ?? double.MinValue);
            if (substanceZ < options.MassZ)
            {
                continue;
            }

            var evidence = new
            {
                pattern = "Merges far more often than the organisation's people, of work far thinner than theirs.",
                margin = options.MassZ,
                observed = new
                {
                    merges = person.Merges,
                    medianLines = person.MedianLines,
                    trivialShare = person.TrivialShare,
                    medianMinutesToMerge = person.MedianMinutesToMerge,
                },
                baseline = new
                {
                    people = people.Count,
                    medianMerges = Math.Exp(rate.Median),
                    medianLines = Math.Exp(size.Median) - 1,
                    medianTrivialShare = trivial.Median,
                    medianMinutesToMerge = timed.Count > 0 ? Math.Exp(latency.Median) - 1 : (double?)null,
                    trivialLines = options.TrivialLines,
                },
                z = new { rate = rateZ, size = sizeZ, trivial = trivialZ, minutesToMerge = latencyZ },
                team = graph.Teams.Of(person.Employee),
                events = person.Pulls.Take(50).ToList(),
            };
            yield return new Finding(Finding.MassProduction, [person.Employee], Math.Min(rateZ, substanceZ), graph.From, now, evidence,
                $"{Finding.MassProduction}:{person.Employee}");
        }
    }

    /// <summary>At least N counted (or settling) events of one outcome signal from one employee within M minutes: faster than people work.</summary>
    public static IEnumerable<Finding> Bursts(IReadOnlyDictionary<string, EmployeeActivity> employees, DateTimeOffset now, DetectionOptions options)
    {
        var from = now.AddDays(-options.BurstLookbackDays);
        foreach (var (employee, activity) in employees)
        {
            foreach (var run in activity.Bursts.Where(run => run.Count >= options.BurstEvents && run.Start > from && run.End <= now))
            {
                var evidence = new
                {
                    pattern = "Counted outcomes of one signal faster than people work.",
                    signal = run.Signal,
                    events = run.Count,
                    minutes = options.BurstWindowMinutes,
                    baseline = new { burstEvents = options.BurstEvents, minutes = options.BurstWindowMinutes },
                };
                yield return new Finding(Finding.Burst, [employee], run.Count, run.Start, run.End, evidence,
                    $"{Finding.Burst}:{employee}:{run.Signal}:{run.Start.UtcTicks}");
            }
        }
    }

    /// <summary>
    /// Tokens per counted outcome over 30 days, scored with a robust z-score against everyone who used tokens.
    /// Informational: tokens earn nothing anyway, but admins see who spends without result.
    /// </summary>
    public static IEnumerable<Finding> TokenBurn(IReadOnlyDictionary<string, EmployeeActivity> employees, DateTimeOffset now, DetectionOptions options)
    {
        var from = now.AddDays(-options.TokenBurnWindowDays);
        var spenders = employees
            .Select(pair => (Employee: pair.Key, pair.Value.Tokens, pair.Value.Outcomes, PerOutcome: pair.Value.Tokens / Math.Max(pair.Value.Outcomes, 1)))
            .Where(s => s.Tokens > 0)
            .ToList();
        if (spenders.Count < 3)
        {
            yield break;
        }

        var values = spenders.Select(s => s.PerOutcome).ToList();
        var baseline = Robust.Baseline(values, floor: 0);
        foreach (var spender in spenders.Where(s => s.Tokens >= options.TokenBurnMinimumTokens))
        {
            var z = Robust.Z(spender.PerOutcome, baseline);
            if (z > options.TokenBurnZ)
            {
                var evidence = new
                {
                    pattern = "Tokens per counted outcome far above everyone else who uses tokens.",
                    tokens = spender.Tokens,
                    countedOutcomes = spender.Outcomes,
                    tokensPerOutcome = spender.PerOutcome,
                    median = baseline.Median,
                    z,
                    baseline = new { spenders = spenders.Count, medianTokensPerOutcome = baseline.Median, margin = options.TokenBurnZ },
                };
                yield return new Finding(Finding.TokenBurn, [spender.Employee], z, from, now, evidence, $"{Finding.TokenBurn}:{spender.Employee}");
            }
        }
    }

    /// <summary>One person's merges in the window, reduced to what mass production compares.</summary>
    private sealed record Output(string Employee, int Merges, double MedianLines, double TrivialShare, double? MedianMinutesToMerge, IReadOnlyList<string> Pulls)
    {
        public static Output Of(string employee, List<MergedWork> merges, Dictionary<string, DateTimeOffset> approvedAt, DetectionOptions options)
        {
            var minutes = merges
                .Where(m => m.Pull is not null && approvedAt.TryGetValue(m.Pull, out var at) && at <= m.At)
                .Select(m => (m.At - approvedAt[m.Pull!]).TotalMinutes)
                .ToList();
            return new Output(
                employee,
                merges.Count,
                Robust.Median([.. merges.Select(m => m.Lines)]),
                merges.Count == 0 ? 0 : (double)merges.Count(m => m.Lines < options.TrivialLines) / merges.Count,
                minutes.Count * 2 >= merges.Count && minutes.Count > 0 ? Robust.Median(minutes) : null,
                [.. merges.Select(m => m.Pull).OfType<string>()]);
        }
    }
}
