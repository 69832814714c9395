namespace Achievements.Scoring;

/// <summary>
/// An author's own shipping events (their merged pull requests) as outcomes that name none ship in them. An accepted
/// suggestion that names no pull request ships in the earliest of its author's merges, from any source, at or after it
/// and within the policy's limit, that counts or is settling and still has room for its lines: a merge that added 40
/// lines ships 40 accepted lines at most, named or not. Nothing ships in work that does not count (unreviewed,
/// trivial, reverted), so an agent accepting its own edits in a scratch folder ships nothing.
/// </summary>
internal sealed class OwnWork(IReadOnlyList<ClassifiedEvent?> judged)
{
    /// <summary>Per shipping signal, the author's events that count or are settling, in time order, with the lines they have room for (NaN: untouched).</summary>
    private readonly Dictionary<string, List<(ClassifiedEvent Event, double Room)>> _bySignal = new(StringComparer.Ordinal);

    public (string? Reason, ReadEvent? Shipped) Ship(ReadEvent e, ShippedBy ship, DateTimeOffset asOf)
    {
        var merges = MergesOf(ship.Signal);
        var lines = e.AttributeNumber(ship.Lines!);
        var until = e.Stored.OccurredAt + ship.WithinWindow;
        for (var i = FirstAtOrAfter(merges, m => m.Event.Stored.OccurredAt, e.Stored.OccurredAt); i < merges.Count && merges[i].Event.Stored.OccurredAt <= until; i++)
        {
            var (merge, room) = merges[i];
            if (merge.Stored.OccurredAt > asOf)
            {
                break;
            }

            room = double.IsNaN(room) ? LinesThatCount.UpTo(merge.Read, ship.UpTo!) : room;
            if (room < lines)
            {
                merges[i] = (merge, room);
                continue;
            }

            merges[i] = (merge, room - lines);
            return merge.Counts ? (null, merge.Read) : (ExclusionReason.NotSettled, null);
        }

        return until > asOf ? (ExclusionReason.NotSettled, null) : (ExclusionReason.NotMerged, null);
    }

    private List<(ClassifiedEvent Event, double Room)> MergesOf(string signal)
    {
        if (!_bySignal.TryGetValue(signal, out var merges))
        {
            merges = [.. judged.OfType<ClassifiedEvent>()
                .Where(e => e.Stored.Type == signal && (e.Counts || e.Pending))
                .OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq)
                .Select(e => (e, double.NaN))];
            _bySignal[signal] = merges;
        }

        return merges;
    }

    /// <summary>The index of the first of <paramref name="items"/>, in time order, at or after <paramref name="at"/>: acceptances are many, an author's merges few.</summary>
    public static int FirstAtOrAfter<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> when, DateTimeOffset at)
    {
        var (low, high) = (0, items.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = when(items[middle]) < at ? (middle + 1, high) : (low, middle);
        }

        return low;
    }
}
