namespace Achievements.Scoring;

/// <summary>The largest run of one outcome signal's events inside the burst window, as of when it was reduced.</summary>
public sealed record BurstRun(string Signal, int Count, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// What the detectors need from one employee's judged events, reduced once: counted approvals by author (with
/// their times, so a ring is judged on the window as of the detection run), the largest burst per outcome signal,
/// and tokens against counted outcomes. A few kilobytes however long the history, so a detection run can keep
/// the whole organisation's in memory instead of its events.
/// </summary>
/// <param name="Employee">Whose activity it is.</param>
/// <param name="AsOf">The moment the events were judged and reduced.</param>
/// <param name="ApprovalTimes">Author → the times of this employee's counted approvals of them, in the ring window as of <paramref name="AsOf"/>, in order.</param>
/// <param name="Bursts">The largest burst of each outcome signal in the burst lookback.</param>
/// <param name="Tokens">Tokens consumed in the token-burn window as of <paramref name="AsOf"/>.</param>
/// <param name="Outcomes">Counted outcomes in the token-burn window as of <paramref name="AsOf"/>.</param>
public sealed record EmployeeActivity(
    string Employee,
    DateTimeOffset AsOf,
    IReadOnlyDictionary<string, DateTimeOffset[]> ApprovalTimes,
    IReadOnlyList<BurstRun> Bursts,
    double Tokens,
    int Outcomes)
{
    /// <summary>Counted approvals of <paramref name="author"/> after <paramref name="from"/>.</summary>
    public int ApprovalsOf(string author, DateTimeOffset from) =>
        ApprovalTimes.TryGetValue(author, out var times) ? CountAfter(times, from) : 0;

    /// <summary>Counted approvals of anyone after <paramref name="from"/>.</summary>
    public int Approvals(DateTimeOffset from) => ApprovalTimes.Values.Sum(times => CountAfter(times, from));

    public static EmployeeActivity From(string employee, CountedEvents counted, SignalCatalog catalog, DateTimeOffset now, DetectionOptions options)
    {
        var ringFrom = now.AddDays(-options.RingWindowDays);
        var burstFrom = now.AddDays(-options.BurstLookbackDays);
        var tokenFrom = now.AddDays(-options.TokenBurnWindowDays);
        var approvals = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var outcomeTimes = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var outcomes = 0;
        foreach (var e in counted.All)
        {
            var at = e.Stored.OccurredAt;
            if (at > now)
            {
                continue;
            }

            // Approvals that count, or wait for their pull request to merge: trading reviews is the tell, shipped or not yet.
            if ((e.Counts || e.Pending) && at > ringFrom && e.Stored.Type == BuiltInSignals.Review.Signal && e.AttributeText(BuiltInSignals.Review.Author) is { } author)
            {
                (approvals.TryGetValue(author, out var times) ? times : approvals[author] = []).Add(at);
            }

            // Bursts count every outcome event, counted or not: speed is the tell, whatever the policy made of it.
            if (at > burstFrom && catalog.IsOutcome(e.Stored.Type))
            {
                (outcomeTimes.TryGetValue(e.Stored.Type, out var times) ? times : outcomeTimes[e.Stored.Type] = []).Add(at);
            }

            if (at > tokenFrom)
            {
                outcomes += e.Counts && e.Kind == SignalDefinition.Outcome ? 1 : 0;
            }
        }

        // Spend as the cost view counts it: one usage reported by the gateway and the tool, or as requests and as a
        // tool's total, is burnt once.
        var tokens = SpendReports.Counted(counted.All.Where(e => e.Stored.OccurredAt > tokenFrom && e.Stored.OccurredAt <= now), catalog)
            .Sum(e => e.Event.AttributeNumber(BuiltInSignals.Spend.Tokens));

        var window = TimeSpan.FromMinutes(options.BurstWindowMinutes);
        var bursts = outcomeTimes.Select(signal => LargestRun(signal.Key, signal.Value, window)).Where(run => run.Count > 0).ToList();
        return new EmployeeActivity(
            employee,
            now,
            approvals.ToDictionary(a => a.Key, a => a.Value.Order().ToArray(), StringComparer.Ordinal),
            bursts,
            tokens,
            outcomes);
    }

    /// <summary>The most events of one signal within any span of <paramref name="window"/>.</summary>
    private static BurstRun LargestRun(string signal, List<DateTimeOffset> times, TimeSpan window)
    {
        times.Sort();
        var largest = new BurstRun(signal, 0, default, default);
        for (int start = 0, end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] > window)
            {
                start++;
            }

            if (end - start + 1 > largest.Count)
            {
                largest = new BurstRun(signal, end - start + 1, times[start], times[end]);
            }
        }

        return largest;
    }

    private static int CountAfter(DateTimeOffset[] sorted, DateTimeOffset from)
    {
        // The first index after from; everything from there on is inside the window.
        var index = Array.BinarySearch(sorted, from);
        index = index < 0 ? ~index : index + 1;
        while (index < sorted.Length && sorted[index] <= from)
        {
            index++;
        }

        return sorted.Length - index;
    }
}
