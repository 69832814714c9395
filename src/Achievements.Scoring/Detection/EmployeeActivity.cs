namespace Achievements.Scoring;

/// <summary>The largest run of one outcome signal's counted events inside the burst window, as of when it was reduced.</summary>
public sealed record BurstRun(string Signal, int Count, DateTimeOffset Start, DateTimeOffset End);

/// <summary>One of an employee's merged pull requests that vouching offered (it counts, settles, or only a voice's bound left it out).</summary>
/// <param name="Pull">The pull request's id, which its approvals name; null when the source sent none.</param>
/// <param name="At">When it merged.</param>
/// <param name="Lines">Lines added and deleted.</param>
public sealed record MergedWork(string? Pull, DateTimeOffset At, double Lines);

/// <summary>
/// What the detectors need from one employee's judged events, reduced once: the approvals they gave that vouching
/// offered (by author, with times and pull requests, so rings and circles are judged on the window as of the run), the
/// merges of theirs that vouching offered (rate, size, and with others' approvals, time from approval to merge), the
/// largest burst of counted outcomes per signal, and tokens against counted outcomes. A few kilobytes however long the
/// history, so a detection run can keep the whole organisation's in memory instead of its events.
/// </summary>
/// <param name="Employee">Whose activity it is.</param>
/// <param name="AsOf">The moment the events were judged and reduced.</param>
/// <param name="ApprovalTimes">Author → the times of this employee's approvals of them, in the ring window as of <paramref name="AsOf"/>, in order.</param>
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
    private static readonly Dictionary<string, (string Author, DateTimeOffset At)> NoPulls = new(StringComparer.Ordinal);

    /// <summary>Pull request → whose it was and when this employee approved it (the last time), in the ring window.</summary>
    public IReadOnlyDictionary<string, (string Author, DateTimeOffset At)> ApprovedPulls { get; init; } = NoPulls;

    /// <summary>This employee's merges in the ring window that vouching offered, in time order.</summary>
    public IReadOnlyList<MergedWork> Merges { get; init; } = [];

    /// <summary>Approvals of <paramref name="author"/> after <paramref name="from"/>.</summary>
    public int ApprovalsOf(string author, DateTimeOffset from) =>
        ApprovalTimes.TryGetValue(author, out var times) ? CountAfter(times, from) : 0;

    /// <summary>Approvals of anyone after <paramref name="from"/>.</summary>
    public int Approvals(DateTimeOffset from) => ApprovalTimes.Values.Sum(times => CountAfter(times, from));

    public static EmployeeActivity From(string employee, CountedEvents counted, SignalCatalog catalog, DateTimeOffset now, DetectionOptions options)
    {
        var ringFrom = now.AddDays(-options.RingWindowDays);
        var burstFrom = now.AddDays(-options.BurstLookbackDays);
        var tokenFrom = now.AddDays(-options.TokenBurnWindowDays);
        var approvals = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var pulls = new Dictionary<string, (string Author, DateTimeOffset At)>(StringComparer.Ordinal);
        var merges = new List<MergedWork>();
        var outcomeTimes = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        var outcomes = 0;
        foreach (var e in counted.All)
        {
            var at = e.Stored.OccurredAt;
            if (at > now)
            {
                continue;
            }

            // Work that vouching offered: it counts, waits to settle or ship, or only a voice's bound or its run of work
            // left it out (a patron's thousandth approval is still one they gave, a slice is still merged). Unreviewed,
            // trivial, reverted work is no outcome.
            var offered = e.Counts || e.Pending || e.Reason is ExclusionReason.OneVoice or ExclusionReason.Sliced;
            if (offered && at > ringFrom && e.Stored.Type == BuiltInSignals.Review.Signal && e.AttributeText(BuiltInSignals.Review.Author) is { } author)
            {
                (approvals.TryGetValue(author, out var times) ? times : approvals[author] = []).Add(at);
                if (e.AttributeText(BuiltInSignals.Merge.Pull) is { } pull)
                {
                    pulls[pull] = (author, at);
                }
            }

            if (offered && at > ringFrom && e.Stored.Type == BuiltInSignals.Merge.Signal)
            {
                merges.Add(new MergedWork(e.AttributeText(BuiltInSignals.Merge.Pull), at, e.AttributeNumber(BuiltInSignals.Merge.Added) + e.AttributeNumber(BuiltInSignals.Merge.Deleted)));
            }

            // A burst of outcomes is a burst of work that counts or may still count: events the policy already
            // refused (unreviewed, trivial, never shipped) are no outcomes, however fast they came.
            if ((e.Counts || e.Pending) && at > burstFrom && catalog.IsOutcome(e.Stored.Type))
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
            outcomes)
        {
            ApprovedPulls = pulls,
            Merges = [.. merges.OrderBy(m => m.At)],
        };
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
